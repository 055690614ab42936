#pragma once
// A deployable system under test (≈ MLPerf SystemUnderTest, hyperfine Executor).
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/endpoint.h"
#include "core/error.h"
#include "core/units.h"
#include "target/environment.h"
#include "target/target_config.h"

namespace deploybench::target {

/// Identity recorded in results so two runs can be told apart.
struct TargetInfo {
  std::string kind;                            // "local", "container", "vm", "remote"
  std::map<std::string, std::string> details;  // binary_sha256, image_digest, kernel, accel, placement...
};

/// One sample of the deployed system's resource use.
struct ResourceSample {
  Nanos at{0};                  // since deploy() returned
  double cpu_seconds = 0;       // cumulative CPU time of the target (user + system)
  std::uint64_t rss_bytes = 0;  // resident memory
  // vm only: refbot's own view from inside the guest (its /metrics); cpu_seconds and rss_bytes
  // above are the host-side qemu process, i.e. what the host pays for the VM.
  std::optional<double> guest_cpu_seconds;
  std::optional<std::uint64_t> guest_rss_bytes;
};

/// Lifecycle timings of one deployment.
struct LifecycleMetrics {
  Nanos build{0};             // image / initramfs build (0 when cached)
  bool build_cached = false;  // an existing image / initramfs was reused
  Nanos deploy_to_ready{0};   // start until the readiness probe passed
  std::uint64_t idle_rss_bytes = 0;
};

struct DeployContext {
  std::string run_id;                         // labels and names carry it, so cleanup can find strays
  std::filesystem::path work_dir;             // per-deployment scratch (logs, pidfiles, sockets)
  const std::atomic<bool>* cancel = nullptr;  // set on Ctrl-C: a readiness wait gives up at its next poll
};

/// Threading: deploy(), describe(), lifecycle() and teardown() are called from the runner thread,
/// never concurrently with each other, and from a thread that outlives the target's child
/// processes (PR_SET_PDEATHSIG is per thread). sample_resources() is thread-safe: a sampler
/// thread may call it concurrently with load and with teardown() (it then returns an Error).
/// Lifecycle: deploy() at most once; teardown() always, even if deploy() failed; idempotent.
/// teardown() is plain blocking code, safe to call from the main thread after a signal flag.
class Target {
 public:
  virtual ~Target() = default;
  virtual std::string_view kind() const noexcept = 0;
  /// Starts the system and blocks until its readiness probe passes, ready_timeout expires or
  /// ctx.cancel is set (an Error saying the deploy was interrupted).
  virtual Result<Endpoint> deploy(const DeployContext& ctx) = 0;
  virtual TargetInfo describe() const = 0;
  /// Cumulative resource use now; an Error when the kind cannot sample (remote).
  virtual Result<ResourceSample> sample_resources() = 0;
  virtual LifecycleMetrics lifecycle() const = 0;
  /// Ok while the deployed system runs; once it has stopped, an Error saying how (exit status,
  /// log tail), so a cell whose target died says so instead of only counting refused
  /// connections. Called from the runner thread. Remote targets cannot tell: always Ok.
  virtual Status alive() { return Ok{}; }
  virtual Status teardown() = 0;
};

/// Creates the target for a config (network emulation, when configured, wraps it in a delay
/// proxy). Nothing starts until deploy(). `env` must outlive the target. Errors: invalid config.
Result<std::unique_ptr<Target>> make_target(const TargetConfig& config, const Environment& env);

}  // namespace deploybench::target
