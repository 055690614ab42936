#include "target/http_probe.h"

#include <curl/curl.h>

#include <charconv>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

namespace deploybench::target {
namespace {

constexpr std::size_t kMaxBody = 1u << 20;

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  const std::size_t len = size * n;
  if (body->size() < kMaxBody) body->append(data, std::min(len, kMaxBody - body->size()));
  return len;
}

}  // namespace

Result<HttpReply> http_get(const HttpGet& request) {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return make_error(ErrorCode::Failed, "curl_easy_init failed");
  HttpReply reply;
  const auto ms = std::max<long>(
      1, static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(request.timeout).count()));
  curl_easy_setopt(curl.get(), CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, ms);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl.get(), CURLOPT_SSL_VERIFYPEER, request.verify_tls ? 1L : 0L);
  curl_easy_setopt(curl.get(), CURLOPT_SSL_VERIFYHOST, request.verify_tls ? 2L : 0L);
  if (!request.ca_file.empty()) curl_easy_setopt(curl.get(), CURLOPT_CAINFO, request.ca_file.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROXY,
                   "");  // loopback probes must not go through http_proxy
  curl_slist* headers = nullptr;
  if (!request.bearer.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + request.bearer).c_str());
  }
  for (const auto& [name, value] : request.headers) headers = curl_slist_append(headers, (name + ": " + value).c_str());
  if (headers != nullptr) curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  const CURLcode rc = curl_easy_perform(curl.get());
  curl_slist_free_all(headers);
  if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE) {  // retrying cannot help
    return make_error(ErrorCode::Failed, "GET " + request.url + ": " + curl_easy_strerror(rc),
                      rc == CURLE_SSL_CACERT_BADFILE
                          ? "ca_file must be a readable PEM file of CA certificates"
                          : "the server's certificate is not trusted here: set ca_file to its CA certificate (PEM), "
                            "or verify_tls: false to skip the check");
  }
  if (rc != CURLE_OK) {
    return make_error(rc == CURLE_OPERATION_TIMEDOUT ? ErrorCode::Timeout : ErrorCode::Unavailable,
                      "GET " + request.url + ": " + curl_easy_strerror(rc));
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &reply.status);
  return reply;
}

Status not_interrupted(const std::atomic<bool>* cancel, const std::string& what) {
  if (cancel == nullptr || !cancel->load()) return Ok{};
  return make_error(ErrorCode::Failed, "interrupted while waiting for " + what);
}

Status wait_until_ready(const HttpGet& request, TimePoint deadline, const std::atomic<bool>* cancel,
                        const std::function<Status()>& still_alive) {
  std::string last = "no attempt";
  while (SteadyClock::now() < deadline) {
    if (auto s = not_interrupted(cancel, "GET " + request.url + " to answer"); !s) return s;
    if (auto alive = still_alive(); !alive) return alive;
    auto reply = http_get(request);
    if (reply && reply->status == 200) return Ok{};
    if (!reply && reply.error().code == ErrorCode::Failed) return reply.error();  // retrying cannot help
    last = reply ? "HTTP " + std::to_string(reply->status) : reply.error().message;
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  return make_error(ErrorCode::Timeout, "not ready: GET " + request.url + " (last: " + last + ")",
                    "raise ready_timeout, or check the target's log");
}

std::optional<std::string> served_model_description(const std::string& base_url) {
  auto reply = http_get({base_url + "/v1/models", std::chrono::seconds{5}, {}, true, {}});
  if (!reply || reply->status != 200) return std::nullopt;
  const auto j = nlohmann::json::parse(reply->body, nullptr, false);
  if (j.is_discarded() || !j.contains("data") || !j["data"].is_array() || j["data"].empty()) return std::nullopt;
  const auto& card = j["data"][0];
  if (!card.is_object() || !card.contains("description") || !card["description"].is_string()) return std::nullopt;
  return card["description"].get<std::string>();
}

std::optional<double> prometheus_value(std::string_view text, std::string_view metric) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const auto line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.size() <= metric.size() || line.substr(0, metric.size()) != metric || line[metric.size()] != ' ') {
      continue;
    }
    auto value = line.substr(metric.size() + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    double v = 0;
    auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec == std::errc{}) return v;
  }
  return std::nullopt;
}

}  // namespace deploybench::target
