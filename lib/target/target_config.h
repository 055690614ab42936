#pragma once
// What to deploy and where. Plain aggregates with defaults; the scenario loader fills them.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/error.h"
#include "core/units.h"

namespace deploybench::target {

/// The refbot model variant a target serves (ignored by remote targets and custom commands).
struct ModelSpec {
  std::string preset = "tiny";       // tiny | small | base
  std::filesystem::path checkpoint;  // llama2.c checkpoint instead of a preset (optional)
  std::string precision = "int8";    // fp32 | int8
  int threads = 1;
  int max_batch = 8;
};

/// Optional emulated network in front of any target (a built-in delaying TCP proxy).
struct NetworkEmulation {
  Nanos delay{0};   // added to each direction
  Nanos jitter{0};  // uniform +- around delay
};

struct ResourceLimits {
  std::optional<double> cpus;                 // e.g. 1.5 cores
  std::optional<std::uint64_t> memory_bytes;  // e.g. 512m
  std::string cpuset;                         // e.g. "1" or "0-1"; empty = placement default
};

/// refbot (or the user's own command) as a child process on a free loopback port.
struct LocalConfig {
  std::vector<std::string> command;  // empty = bundled refbot; "{port}" is replaced by the port
  std::string health_path = "/health";
  ResourceLimits limits;
};

struct ContainerConfig {
  std::string runtime = "podman";  // podman | docker
  std::string image;               // empty = the bundled refbot image, built on demand
  ResourceLimits limits;
  bool host_network = false;      // --network host instead of -p 127.0.0.1:P:8080
  std::vector<std::string> args;  // a user image's arguments ("{port}" = the port it listens on)
  int port = 8080;                // the port the server listens on inside the container
  std::string health_path = "/health";
  /// podman run --timeout: the container is killed after this even if the harness was SIGKILLed.
  Nanos watchdog{std::chrono::hours{6}};
};

struct VmConfig {
  int vcpus = 1;
  std::uint64_t memory_bytes = 256ull << 20;
  std::string accel = "auto";  // auto | kvm | tcg
  /// qemu -cpu model; empty = "host" under KVM and "max" under TCG (every feature TCG emulates:
  /// AVX2, FMA, F16C on qemu 7.2, so refbot runs the vector kernels a real VM would).
  std::string cpu;
  Nanos kvm_probe_timeout{std::chrono::seconds{10}};
  std::filesystem::path kernel;  // empty = /var/lib/deploybench-vm/vmlinux
  std::filesystem::path initrd;  // empty = built by scripts/build-vm.sh
  std::string cpuset;            // host CPUs for qemu's threads; empty = placement default
};

struct RemoteConfig {
  std::string base_url;     // http(s)://host[:port] (OpenAI-compatible; "/v1" is appended by the client)
  std::string model;        // model id to request
  std::string api_key_env;  // name of the environment variable holding the key (never the key)
  bool verify_tls = true;
  /// Extra request headers (values may hold credentials: never printed or written to results).
  std::vector<std::pair<std::string, std::string>> headers;
  std::filesystem::path ca_file;  // PEM bundle to trust instead of the system store (optional)
};

using KindConfig = std::variant<LocalConfig, ContainerConfig, VmConfig, RemoteConfig>;

struct TargetConfig {
  std::string name;  // the scenario's name for it, e.g. "local", "vm"
  KindConfig kind = LocalConfig{};
  ModelSpec model;
  std::optional<NetworkEmulation> network;
  Nanos ready_timeout{std::chrono::seconds{60}};
  std::vector<Diagnostic> validate() const;
};

/// "local", "container", "vm" or "remote".
std::string_view kind_name(const KindConfig& kind);

/// The context length in tokens of refbot's synthetic preset: engine::preset_config's seq_len,
/// repeated here because target/ may not include engine/ (tests/target/config_test.cpp keeps the
/// two equal). nullopt for an unknown preset. Inline: scenario/ uses this header only.
inline std::optional<int> preset_context_length(std::string_view preset) {
  if (preset == "tiny") return 256;
  if (preset == "small" || preset == "base") return 1024;
  return std::nullopt;
}

/// Whether the target serves the bundled refbot, so that `model` is what it runs: a local target
/// without `command`, a container without `image`, or a VM.
inline bool serves_refbot(const TargetConfig& target) {
  if (const auto* l = std::get_if<LocalConfig>(&target.kind)) return l->command.empty();
  if (const auto* c = std::get_if<ContainerConfig>(&target.kind)) return c->image.empty();
  return std::holds_alternative<VmConfig>(target.kind);
}

}  // namespace deploybench::target
