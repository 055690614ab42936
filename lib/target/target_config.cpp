#include "target/target_config.h"

#include <algorithm>
#include <array>

#include "target/cpuset.h"
#include "target/vm_cpu.h"

namespace deploybench::target {
namespace {

struct Checker {
  std::string prefix;
  std::vector<Diagnostic>& out;
  void fail(const std::string& field, std::string message, std::string hint = {}) const {
    out.push_back(Diagnostic{prefix + "." + field, std::move(message), std::move(hint), {}, 0, 0});
  }
};

bool one_of(const std::string& v, std::initializer_list<const char*> options) {
  return std::any_of(options.begin(), options.end(), [&](const char* o) { return v == o; });
}

bool valid_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

void check_health_path(const Checker& c, const std::string& field, const std::string& path) {
  if (path.empty() || path[0] != '/') c.fail(field, "must start with '/', got '" + path + "'", "e.g. /health");
}

void check_limits(const Checker& c, const ResourceLimits& l) {
  if (l.cpus && !(*l.cpus > 0)) c.fail("limits.cpus", "must be positive, got " + std::to_string(*l.cpus));
  if (l.memory_bytes && *l.memory_bytes < (16ull << 20)) {
    c.fail("limits.memory", "must be at least 16m, got " + format_bytes(*l.memory_bytes));
  }
  if (!l.cpuset.empty()) {
    if (auto set = parse_cpuset(l.cpuset); !set) c.fail("limits.cpuset", set.error().message, set.error().hint);
  }
}

void check_model(const Checker& c, const ModelSpec& m) {
  if (m.checkpoint.empty() && !preset_context_length(m.preset)) {
    c.fail("model.preset", "unknown preset '" + m.preset + "'", "use tiny, small or base");
  }
  if (!one_of(m.precision, {"fp32", "int8"})) {
    c.fail("model.precision", "unknown precision '" + m.precision + "'", "use fp32 or int8");
  }
  if (m.threads < 1) c.fail("model.threads", "must be at least 1, got " + std::to_string(m.threads));
  if (m.max_batch < 1) c.fail("model.max_batch", "must be at least 1, got " + std::to_string(m.max_batch));
}

void check_kind(const Checker& c, const LocalConfig& l, const TargetConfig&) {
  if (!l.command.empty() && l.command[0].empty()) c.fail("command", "the program name is empty");
  check_health_path(c, "health_path", l.health_path);
  check_limits(c, l.limits);
}

void check_kind(const Checker& c, const ContainerConfig& k, const TargetConfig&) {
  if (!one_of(k.runtime, {"podman", "docker"})) {
    c.fail("runtime", "unknown container runtime '" + k.runtime + "'", "use podman or docker");
  }
  if (k.port < 1 || k.port > 65535) c.fail("port", "must be in 1..65535, got " + std::to_string(k.port));
  if (k.watchdog < std::chrono::seconds{1}) c.fail("watchdog", "must be at least 1s");
  if (k.image.empty() && !k.args.empty()) {
    c.fail("args", "arguments are for a user image", "set image, or use model: to configure the bundled refbot");
  }
  check_health_path(c, "health_path", k.health_path);
  check_limits(c, k.limits);
}

void check_cpu_model(const Checker& c, const VmConfig& v) {
  if (auto problem = cpu_model_problem(v)) c.fail("cpu", problem->message, problem->hint);
}

void check_kind(const Checker& c, const VmConfig& v, const TargetConfig& t) {
  if (v.vcpus < 1 || v.vcpus > 64) c.fail("vcpus", "must be in 1..64, got " + std::to_string(v.vcpus));
  if (v.memory_bytes < (64ull << 20)) c.fail("memory", "must be at least 64m, got " + format_bytes(v.memory_bytes));
  if (!one_of(v.accel, {"auto", "kvm", "tcg"}))
    c.fail("accel", "unknown accel '" + v.accel + "'", "use auto, kvm or tcg");
  if (v.kvm_probe_timeout <= Nanos{0}) c.fail("kvm_probe_timeout", "must be positive");
  check_cpu_model(c, v);
  if (!v.cpuset.empty()) {
    if (auto set = parse_cpuset(v.cpuset); !set) c.fail("cpuset", set.error().message, set.error().hint);
  }
  if (!t.model.checkpoint.empty()) {
    c.fail("model.checkpoint", "checkpoints are not copied into the VM initramfs", "use a preset for vm targets");
  }
}

void check_kind(const Checker& c, const RemoteConfig& r, const TargetConfig& t) {
  const bool http = r.base_url.rfind("http://", 0) == 0;
  const bool https = r.base_url.rfind("https://", 0) == 0;
  if (!http && !https) {
    c.fail("base_url", "must start with http:// or https://, got '" + r.base_url + "'");
  } else if (r.base_url.size() <= (https ? 8u : 7u)) {
    c.fail("base_url", "has no host: '" + r.base_url + "'");
  }
  if (!r.api_key_env.empty()) {
    const bool ok = std::all_of(r.api_key_env.begin(), r.api_key_env.end(),
                                [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; });
    if (!ok)
      c.fail("api_key_env", "must name an environment variable, got '" + r.api_key_env + "'",
             "write the variable's name (e.g. OPENAI_API_KEY), never the key "
             "itself");
  }
  if (https && t.network) {
    c.fail("network",
           "network emulation cannot sit in front of an https endpoint (TLS "
           "names would not match)",
           "emulate the network against an http endpoint");
  }
}

}  // namespace

std::vector<Diagnostic> TargetConfig::validate() const {
  std::vector<Diagnostic> out;
  const Checker c{"targets." + (name.empty() ? std::string("?") : name), out};
  if (!valid_name(name)) {
    c.fail("name", "must be non-empty letters, digits, '-', '_' or '.', got '" + name + "'");
  }
  if (ready_timeout <= Nanos{0}) c.fail("ready_timeout", "must be positive");
  if (network) {
    if (network->delay < Nanos{0}) c.fail("network.delay", "must not be negative");
    if (network->jitter < Nanos{0}) c.fail("network.jitter", "must not be negative");
    if (network->jitter > network->delay) {
      c.fail("network.jitter", "must not exceed the delay (" + format_duration(network->delay) + ")",
             "jitter is uniform +- around the delay, which cannot go below zero");
    }
  }
  if (!std::holds_alternative<RemoteConfig>(kind)) check_model(c, model);
  std::visit([&](const auto& k) { check_kind(c, k, *this); }, kind);
  return out;
}

std::string_view kind_name(const KindConfig& kind) {
  static constexpr std::array<std::string_view, 4> kNames{"local", "container", "vm", "remote"};
  return kNames[kind.index()];
}

}  // namespace deploybench::target
