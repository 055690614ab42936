#include "target/remote_target.h"

#include <charconv>
#include <cstdlib>
#include <thread>

#include "target/http_probe.h"

namespace deploybench::target {
namespace {

/// "HTTP 500: {"error":...}": the status and the start of the body on one line.
std::string status_and_body(const HttpReply& reply) {
  std::string body = reply.body.substr(0, 200);
  for (char& c : body)
    if (c == '\n' || c == '\r') c = ' ';
  while (!body.empty() && body.back() == ' ') body.pop_back();
  return "HTTP " + std::to_string(reply.status) + (body.empty() ? "" : ": " + body);
}

}  // namespace

Result<UrlParts> parse_base_url(const std::string& url) {
  UrlParts u;
  const auto sep = url.find("://");
  if (sep == std::string::npos) return make_error(ErrorCode::InvalidArgument, "not a URL: '" + url + "'");
  u.scheme = url.substr(0, sep);
  if (u.scheme != "http" && u.scheme != "https") {
    return make_error(ErrorCode::InvalidArgument, "unsupported scheme in '" + url + "'", "use http:// or https://");
  }
  auto rest = url.substr(sep + 3);
  const auto slash = rest.find('/');
  if (slash != std::string::npos) {
    u.path = rest.substr(slash);
    rest = rest.substr(0, slash);
  }
  while (!u.path.empty() && u.path.back() == '/') u.path.pop_back();
  u.port = u.scheme == "https" ? 443 : 80;
  const auto colon = rest.rfind(':');
  if (colon != std::string::npos && rest.find(']', colon) == std::string::npos) {
    const auto p = rest.substr(colon + 1);
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), u.port);
    if (ec != std::errc{} || ptr != p.data() + p.size() || u.port < 1 || u.port > 65535) {
      return make_error(ErrorCode::InvalidArgument, "invalid port in '" + url + "'");
    }
    rest = rest.substr(0, colon);
  }
  if (rest.size() > 2 && rest.front() == '[' && rest.back() == ']') rest = rest.substr(1, rest.size() - 2);
  if (rest.empty()) return make_error(ErrorCode::InvalidArgument, "no host in '" + url + "'");
  u.host = rest;
  return u;
}

RemoteTarget::RemoteTarget(TargetConfig config)
    : config_(std::move(config)), remote_(std::get<RemoteConfig>(config_.kind)) {
  info_.kind = "remote";
}

Result<Endpoint> RemoteTarget::deploy(const DeployContext& ctx) {
  auto url = parse_base_url(remote_.base_url);
  if (!url) return std::move(url).error();
  Endpoint ep;
  ep.base_url = remote_.base_url;
  while (!ep.base_url.empty() && ep.base_url.back() == '/') ep.base_url.pop_back();
  ep.model = remote_.model;
  ep.headers = remote_.headers;
  if (!remote_.api_key_env.empty()) {
    const char* key = std::getenv(remote_.api_key_env.c_str());
    if (key == nullptr || *key == '\0') {
      return make_error(ErrorCode::InvalidArgument, "environment variable " + remote_.api_key_env + " is not set",
                        "export " + remote_.api_key_env + "=<your API key> before running");
    }
    ep.api_key = key;
  }
  info_.details["base_url"] = ep.base_url;
  info_.details["model"] = remote_.model.empty() ? "(from /v1/models)" : remote_.model;
  info_.details["api_key"] = remote_.api_key_env.empty() ? "none" : "from $" + remote_.api_key_env;
  ep.verify_tls = remote_.verify_tls;
  ep.ca_file = remote_.ca_file.string();
  info_.details["tls_verify"] = remote_.verify_tls ? "on" : "off";
  if (!ep.ca_file.empty()) info_.details["ca_file"] = ep.ca_file;
  if (!remote_.headers.empty()) {  // names only: values may be credentials
    std::string names;
    for (const auto& [name, value] : remote_.headers) names += (names.empty() ? "" : ", ") + name;
    info_.details["extra_headers"] = names;
  }

  // The probe authenticates like the load will: bearer key and extra headers (e.g. Azure's api-key).
  const HttpGet probe{
      ep.base_url + "/v1/models", std::chrono::seconds{5}, ep.api_key, ep.verify_tls, ep.ca_file, ep.headers};
  if (auto s = wait_for_answer(probe, ctx.cancel); !s) return s.error();
  return ep;
}

Status RemoteTarget::wait_for_answer(const HttpGet& probe, const std::atomic<bool>* cancel) {
  const auto t0 = SteadyClock::now();
  std::string last;
  bool answered = false;  // some reply came back, only not a usable one
  while (SteadyClock::now() < t0 + config_.ready_timeout) {
    if (auto s = not_interrupted(cancel, "GET " + probe.url + " to answer"); !s) return s;
    auto reply = http_get(probe);
    // 404: some OpenAI-compatible servers have no /v1/models; the endpoint still answers.
    if (reply && (reply->status == 200 || reply->status == 404)) {
      lifecycle_.deploy_to_ready = SteadyClock::now() - t0;
      return Ok{};
    }
    if (reply && (reply->status == 401 || reply->status == 403)) {
      return make_error(ErrorCode::Failed, "GET " + probe.url + ": " + status_and_body(*reply),
                        remote_.api_key_env.empty()
                            ? "the endpoint wants an API key: set api_key_env to the name of the environment "
                              "variable that holds it"
                            : "check the API key in $" + remote_.api_key_env);
    }
    if (!reply && reply.error().code == ErrorCode::Failed) return reply.error();  // e.g. an untrusted certificate
    answered = answered || reply.ok();
    last = reply ? status_and_body(*reply) : reply.error().message;
    std::this_thread::sleep_for(std::chrono::milliseconds{200});
  }
  const std::string waited = format_duration(config_.ready_timeout);
  if (answered) {
    return make_error(ErrorCode::Timeout,
                      "remote endpoint not ready within " + waited + ": GET " + probe.url + " answered " + last,
                      "the server answers but not with 200 (or 404): check base_url and the server's log");
  }
  return make_error(ErrorCode::Timeout, "remote endpoint not reachable within " + waited + ": " + last,
                    "check base_url, the network, and TLS certificates");
}

Result<ResourceSample> RemoteTarget::sample_resources() {
  return make_error(ErrorCode::Unavailable, "remote targets cannot be sampled: they run elsewhere");
}

}  // namespace deploybench::target
