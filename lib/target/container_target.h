#pragma once
// A container through the podman (or docker) CLI, with argument vectors. The bundled refbot image
// is FROM scratch with the static refbot (scripts/build-image.sh, run on demand). The container
// runs read-only as a non-root user, with --cpus/--memory/--cpuset-cpus, its port published on
// 127.0.0.1 only, labels that identify the run and owner, and `--timeout` as a watchdog should
// the harness be SIGKILLed. CPU and memory come from the container's cgroup.
#include <mutex>

#include "target/state.h"
#include "target/target.h"

namespace deploybench::target {

/// Everything `<runtime> run` needs besides the config.
struct ContainerRun {
  std::string name;  // container name
  std::string image;
  int host_port = 0;   // 127.0.0.1:<host_port> reaches the server
  std::string cpuset;  // placement ("" = not pinned)
  std::vector<std::pair<std::string, std::string>> labels;
};

/// The full argv of `<runtime> run -d ...` (pure, for tests).
std::vector<std::string> container_run_argv(const TargetConfig& config, const ContainerRun& run);

/// localhost/deploybench/refbot:<artifact_key(binary, build script)>.
std::string bundled_image_tag(const std::string& key);

class ContainerTarget final : public Target {
 public:
  ContainerTarget(TargetConfig config, const Environment& env);
  ~ContainerTarget() override;
  std::string_view kind() const noexcept override { return "container"; }
  Result<Endpoint> deploy(const DeployContext& ctx) override;
  TargetInfo describe() const override { return info_; }
  Result<ResourceSample> sample_resources() override;
  LifecycleMetrics lifecycle() const override { return lifecycle_; }
  Status alive() override;
  Status teardown() override;

 private:
  Result<std::string> ensure_image();
  /// The config's own image: present, or pulled now (the pull timed as the build).
  Result<std::string> ensure_user_image();
  Result<CommandResult> cli(std::vector<std::string> args, Nanos timeout = std::chrono::seconds{60});
  Result<CommandResult> run_argv(std::vector<std::string> argv, Nanos timeout = std::chrono::seconds{60});
  Status start(const DeployContext& ctx, const std::string& image, int host_port);
  std::string logs();

  TargetConfig config_;
  const ContainerConfig& ctr_;
  const Environment& env_;
  std::mutex mu_;  // guards pid_ against sample_resources() racing teardown()
  pid_t pid_ = 0;  // the container's init process, as seen from the host
  std::string name_;
  StateRecord record_;
  TargetInfo info_;
  LifecycleMetrics lifecycle_;
  TimePoint ready_at_{};
};

}  // namespace deploybench::target
