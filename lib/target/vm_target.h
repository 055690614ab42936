#pragma once
// A qemu VM booting the Debian kernel (uncompressed vmlinux, PVH entry) with the initramfs that
// scripts/build-vm.sh builds (static busybox + static refbot + virtio modules). vCPUs and memory
// from the config; accel "auto" tries KVM and falls back to TCG when KVM does not boot within
// kvm_probe_timeout (PVM hosts emulate a stock kernel instruction by instruction); slirp
// networking with a host port forward on 127.0.0.1; shutdown through QMP system_powerdown,
// SIGTERM/SIGKILL as a last resort. Samples: the host-side qemu process from /proc, the guest's
// refbot through its /metrics.
#include <mutex>

#include "target/state.h"
#include "target/target.h"

namespace deploybench::target {

struct QemuLaunch {
  std::string accel;  // "kvm" | "tcg"
  std::filesystem::path kernel;
  std::filesystem::path initrd;
  std::filesystem::path serial_log;
  std::filesystem::path qmp_socket;
  int host_port = 0;  // 127.0.0.1:<host_port> -> guest :8080
  std::string name;   // -name, shown in ps and thread names
};

/// The -cpu model for a boot with `accel`: the configured one, else "host" (KVM) or "max" (TCG).
std::string qemu_cpu_model(const VmConfig& vm, const std::string& accel);

/// The full qemu argv (pure, for tests).
std::vector<std::string> qemu_argv(const TargetConfig& config, const QemuLaunch& launch);

/// True when /dev/kvm can be opened read-write (it may still fail to boot: see "auto").
bool kvm_device_usable();

class VmTarget final : public Target {
 public:
  VmTarget(TargetConfig config, const Environment& env);
  ~VmTarget() override;
  std::string_view kind() const noexcept override { return "vm"; }
  Result<Endpoint> deploy(const DeployContext& ctx) override;
  TargetInfo describe() const override { return info_; }
  Result<ResourceSample> sample_resources() override;
  LifecycleMetrics lifecycle() const override { return lifecycle_; }
  Status alive() override;
  Status teardown() override;

 private:
  Result<std::filesystem::path> ensure_initrd();
  /// Boots with one accelerator and waits for readiness until `deadline`; stops qemu on failure.
  Status boot(const DeployContext& ctx, const std::string& accel, TimePoint deadline);
  Status wait_for_console(TimePoint deadline, const std::atomic<bool>* cancel);
  /// Stops qemu: QMP powerdown first when `graceful`, then SIGTERM/SIGKILL; removes the record.
  void stop(bool graceful);

  TargetConfig config_;
  const VmConfig& vm_;
  const Environment& env_;
  std::filesystem::path kernel_, initrd_, work_dir_, serial_log_, qmp_socket_;
  bool own_initrd_ = true;  // ours prints the ready marker on the console
  std::mutex mu_;           // guards pid_ and base_url_ against sample_resources() racing teardown()
  pid_t pid_ = 0;
  std::optional<int> exit_code_;  // qemu's, once alive() reaped it
  std::string base_url_;
  StateRecord record_;
  TargetInfo info_;
  LifecycleMetrics lifecycle_;
  TimePoint ready_at_{};
};

}  // namespace deploybench::target
