// targets: {NAME: {kind: local | container | vm | remote, <kind fields>, network, ready_timeout, duration}}
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <regex>

#include "core/text.h"
#include "scenario/detail/parse.h"
#include "target/cpuset.h"
#include "target/vm_cpu.h"

namespace deploybench::scenario::detail {
namespace {

using namespace std::chrono_literals;

const std::vector<std::string> kKinds = {"local", "container", "vm", "remote"};
const std::vector<std::string> kCommon = {"kind", "network", "ready_timeout", "duration"};
const std::map<std::string, std::vector<std::string>> kKindFields = {
    {"local", {"command", "health_path", "cpus", "memory", "cpuset"}},
    {"container",
     {"runtime", "image", "args", "port", "health_path", "cpus", "memory", "cpuset", "host_network", "watchdog"}},
    {"vm", {"vcpus", "memory", "cpuset", "accel", "cpu", "kernel", "initrd", "kvm_probe_timeout"}},
    {"remote", {"base_url", "model", "api_key_env", "verify_tls", "ca_file", "headers"}},
};

std::vector<std::string> all_target_keys() {
  std::vector<std::string> keys = kCommon;
  for (const auto& [kind, fields] : kKindFields) {
    for (const auto& f : fields) {
      if (std::find(keys.begin(), keys.end(), f) == keys.end()) keys.push_back(f);
    }
  }
  return keys;
}

// Reports keys that exist for another kind but not for this one.
void check_kind_keys(Reader& r, const MapView& view, const std::string& kind) {
  const auto& own = kKindFields.at(kind);
  for (const auto& f : view.fields()) {
    if (std::find(kCommon.begin(), kCommon.end(), f.key) != kCommon.end()) continue;
    if (std::find(own.begin(), own.end(), f.key) != own.end()) continue;
    std::vector<std::string> owners;
    for (const auto& [k, fields] : kKindFields) {
      if (std::find(fields.begin(), fields.end(), f.key) != fields.end()) owners.push_back(k);
    }
    r.error(
        f.where, fmt::format("'{}' is not a field of a {} target", f.key, kind),
        fmt::format("'{}' applies to kind {}; {} targets take: {}", f.key, join(owners, ", "), kind, join(own, ", ")));
  }
}

// A CPU list such as "1", "0-1" or "0,2": checked here with the parser the targets use, so a
// reversed range ("9-3") fails at load, not at deploy. Whether the CPUs exist is the deploying
// host's question (target::plan_placement).
std::string read_cpuset(Reader& r, const Field& f) {
  auto s = read_string(r, f);
  if (!s) return {};
  if (auto cpus = target::parse_cpuset(*s); !cpus) {
    r.error(f.where, cpus.error().message, cpus.error().hint);
    return {};
  }
  return *s;
}

// An HTTP path for readiness probes, e.g. "/health".
std::optional<std::string> read_http_path(Reader& r, const Field& f) {
  auto s = read_string(r, f);
  if (s && (s->empty() || s->front() != '/')) {
    r.error(f.where, fmt::format("'{}' is not an HTTP path", *s), "write e.g. /health");
    return std::nullopt;
  }
  return s;
}

std::vector<std::string> read_argv(Reader& r, const Field& f) {
  std::vector<std::string> argv;
  for (const auto& item : read_items(r, f).value_or(std::vector<Field>{})) {
    if (auto s = read_string(r, item)) argv.push_back(*s);
  }
  return argv;
}

void read_limits(Reader& r, const MapView& v, target::ResourceLimits& limits) {
  if (auto* f = v.get("cpus")) limits.cpus = read_number(r, *f, 0.01, 1024);
  if (auto* f = v.get("memory")) limits.memory_bytes = read_bytes(r, *f, 16ull << 20, 1ull << 40);
  if (auto* f = v.get("cpuset")) limits.cpuset = read_cpuset(r, *f);
}

target::LocalConfig read_local(Reader& r, const MapView& v) {
  target::LocalConfig c;
  if (auto* f = v.get("command")) {
    c.command = read_argv(r, *f);
    const bool has_port = std::any_of(c.command.begin(), c.command.end(),
                                      [](const std::string& a) { return a.find("{port}") != std::string::npos; });
    if (!c.command.empty() && !has_port) {
      r.error(f->where, "the command never mentions {port}",
              "the harness picks a free port and substitutes it for {port}, e.g. [\"my-server\", \"--port\", "
              "\"{port}\"]");
    }
  }
  if (auto* f = v.get("health_path")) c.health_path = read_http_path(r, *f).value_or(c.health_path);
  read_limits(r, v, c.limits);
  return c;
}

target::ContainerConfig read_container(Reader& r, const MapView& v) {
  target::ContainerConfig c;
  if (auto* f = v.get("runtime")) c.runtime = read_choice(r, *f, {"podman", "docker"}).value_or(c.runtime);
  if (auto* f = v.get("image")) c.image = read_string(r, *f).value_or("");
  if (auto* f = v.get("host_network")) c.host_network = read_bool(r, *f).value_or(c.host_network);
  if (auto* f = v.get("args")) {
    c.args = read_argv(r, *f);
    if (c.image.empty()) {
      r.error(f->where, "args are for your own image", "set image, or use models: to configure the bundled refbot");
    }
  }
  if (auto* f = v.get("port")) c.port = static_cast<int>(read_int(r, *f, 1, 65535).value_or(c.port));
  if (auto* f = v.get("health_path")) c.health_path = read_http_path(r, *f).value_or(c.health_path);
  if (auto* f = v.get("watchdog")) c.watchdog = read_duration(r, *f, 1min, 24h * 7).value_or(c.watchdog);
  read_limits(r, v, c.limits);
  return c;
}

target::VmConfig read_vm(ParseContext& ctx, const MapView& v) {
  Reader& r = ctx.reader;
  target::VmConfig c;
  if (auto* f = v.get("vcpus")) c.vcpus = static_cast<int>(read_int(r, *f, 1, 64).value_or(c.vcpus));
  if (auto* f = v.get("memory")) c.memory_bytes = read_bytes(r, *f, 64ull << 20, 64ull << 30).value_or(c.memory_bytes);
  if (auto* f = v.get("cpuset")) c.cpuset = read_cpuset(r, *f);
  if (auto* f = v.get("accel")) c.accel = read_choice(r, *f, {"auto", "kvm", "tcg"}).value_or(c.accel);
  if (auto* f = v.get("cpu")) {
    c.cpu = read_string(r, *f).value_or("");
    if (auto problem = target::cpu_model_problem(c)) r.error(f->where, problem->message, problem->hint);
  }
  if (auto* f = v.get("kernel")) c.kernel = read_path(ctx, *f, true).value_or("");
  if (auto* f = v.get("initrd")) c.initrd = read_path(ctx, *f, true).value_or("");
  if (auto* f = v.get("kvm_probe_timeout")) {
    c.kvm_probe_timeout = read_duration(r, *f, 1s, 10min).value_or(c.kvm_probe_timeout);
  }
  return c;
}

void read_headers(Reader& r, const Field& f, target::RemoteConfig& c) {
  MapView headers(r, f.node, f.path, {}, "'headers'");
  static const std::regex kHeaderName("[A-Za-z0-9-]+");
  for (const auto& h : headers.fields()) {
    if (!std::regex_match(h.key, kHeaderName)) {
      r.error(h.where, fmt::format("'{}' is not an HTTP header name", h.key), "use letters, digits and '-'");
      continue;
    }
    auto value = read_string(r, h);
    if (!value) continue;
    if (!value->empty()) r.secrets().push_back(*value);  // header values often carry credentials
    c.headers.emplace_back(h.key, *value);
  }
}

target::RemoteConfig read_remote(ParseContext& ctx, const MapView& v, const Where& at) {
  Reader& r = ctx.reader;
  target::RemoteConfig c;
  if (auto* f = v.get("base_url")) {
    auto s = read_string(r, *f);
    if (s && s->rfind("http://", 0) != 0 && s->rfind("https://", 0) != 0) {
      r.error(f->where, "base_url must start with http:// or https://", "e.g. https://api.example.com");
    } else if (s) {
      c.base_url = *s;
      while (!c.base_url.empty() && c.base_url.back() == '/') c.base_url.pop_back();
    }
  } else {
    r.error(at, "a remote target needs base_url", "e.g. base_url: ${REMOTE_URL:-http://127.0.0.1:8080}");
  }
  if (auto* f = v.get("model")) c.model = read_string(r, *f).value_or("");
  if (auto* f = v.get("api_key_env")) {
    auto s = read_string(r, *f);
    static const std::regex kEnvName("[A-Za-z_][A-Za-z0-9_]*");
    if (s && !std::regex_match(*s, kEnvName)) {
      r.error(f->where, "api_key_env must name an environment variable, not hold the key",
              "e.g. api_key_env: OPENAI_API_KEY; the key itself stays in the environment");
    } else if (s) {
      c.api_key_env = *s;
    }
  }
  if (auto* f = v.get("verify_tls")) c.verify_tls = read_bool(r, *f).value_or(true);
  if (auto* f = v.get("ca_file")) c.ca_file = read_path(ctx, *f, true).value_or("");
  if (auto* f = v.get("headers")) read_headers(r, *f, c);
  return c;
}

void read_network(Reader& r, const Field& f, target::TargetConfig& t) {
  MapView v(r, f.node, f.path, {"delay", "jitter"}, "'network'");
  target::NetworkEmulation net;
  if (auto* d = v.get("delay")) net.delay = read_duration(r, *d, 0ns, 10s).value_or(0ns);
  if (auto* j = v.get("jitter")) {
    net.jitter = read_duration(r, *j, 0ns, 10s).value_or(0ns);
    if (net.jitter > net.delay) {
      r.error(j->where, "jitter is larger than delay", "jitter is applied as +- around delay; keep it <= delay");
    }
  }
  t.network = net;
}

std::optional<NamedTarget> read_target(ParseContext& ctx, const Field& entry) {
  Reader& r = ctx.reader;
  MapView v(r, entry.node, entry.path, all_target_keys(), "a target");
  if (!v.is_map()) {
    if (entry.node.IsNull()) r.error(entry.where, fmt::format("target '{}' is empty", entry.key), "e.g. {kind: local}");
    return std::nullopt;
  }
  std::string kind = "local";  // the default kind
  if (auto* f = v.get("kind")) {
    auto k = read_choice(r, *f, kKinds);
    if (!k) return std::nullopt;
    kind = *k;
  }
  check_kind_keys(r, v, kind);
  NamedTarget out;
  out.name = entry.key;
  out.where = entry.where;
  out.config.name = entry.key;
  out.config.ready_timeout = ctx.defaults.ready_timeout;
  if (kind == "local") out.config.kind = read_local(r, v);
  if (kind == "container") out.config.kind = read_container(r, v);
  if (kind == "vm") out.config.kind = read_vm(ctx, v);
  if (kind == "remote") out.config.kind = read_remote(ctx, v, entry.where);
  if (auto* f = v.get("network")) read_network(r, *f, out.config);
  if (auto* f = v.get("ready_timeout")) {
    out.config.ready_timeout = read_duration(r, *f, 1s, 1h).value_or(out.config.ready_timeout);
  }
  if (auto* f = v.get("duration")) out.duration = read_duration(r, *f, 100ms, 24h);  // e.g. a slow emulated VM
  return out;
}

}  // namespace

void parse_targets(ParseContext& ctx, const Field& section, std::vector<NamedTarget>& out) {
  for (const auto& entry : named_entries(ctx.reader, section, "target")) {
    if (auto t = read_target(ctx, entry)) out.push_back(std::move(*t));
  }
}

}  // namespace deploybench::scenario::detail
