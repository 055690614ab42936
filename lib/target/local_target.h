#pragma once
// refbot (or the user's own command) as a child process on a free loopback
// port. CPU pinning by sched_setaffinity, CPU/memory limits by cgroups, usage
// from /proc (the process and its descendants).
#include <mutex>

#include "target/cgroup.h"
#include "target/state.h"
#include "target/target.h"

namespace deploybench::target {

/// The argv a local target runs: the user's command with {port} substituted, or
/// the bundled refbot serving the model on 127.0.0.1:port.
std::vector<std::string> local_argv(const TargetConfig& config, const std::filesystem::path& refbot, int port);

class LocalTarget final : public Target {
 public:
  LocalTarget(TargetConfig config, const Environment& env);
  ~LocalTarget() override;
  std::string_view kind() const noexcept override { return "local"; }
  Result<Endpoint> deploy(const DeployContext& ctx) override;
  TargetInfo describe() const override;
  Result<ResourceSample> sample_resources() override;
  LifecycleMetrics lifecycle() const override { return lifecycle_; }
  Status alive() override;
  Status teardown() override;

 private:
  Status start(const DeployContext& ctx, int port);
  /// alive() without the log tail (deploy adds it to whatever stopped the readiness wait).
  Status exited();

  TargetConfig config_;
  const LocalConfig& local_;
  const Environment& env_;
  std::mutex mu_;  // guards pid_ against sample_resources() racing teardown()
  pid_t pid_ = 0;
  std::optional<int> exit_code_;
  std::filesystem::path log_;
  std::optional<Cgroup> cgroup_;
  StateRecord record_;
  TargetInfo info_;
  LifecycleMetrics lifecycle_;
  TimePoint ready_at_{};
};

}  // namespace deploybench::target
