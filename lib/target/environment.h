#pragma once
// Where a target finds what it deploys: the bundled refbot binaries, the
// scripts that build the container image and VM initramfs, the VM kernel, the
// state directory for cleanup, and the OS.
#include <filesystem>
#include <vector>

#include "target/cgroup.h"
#include "target/process.h"

namespace deploybench::target {

struct Environment {
  std::filesystem::path refbot;                              // dynamic refbot, run by local targets
  std::filesystem::path refbot_static;                       // fully static refbot, for the image and the initramfs
  std::filesystem::path project_dir;                         // holds scripts/build-image.sh and scripts/build-vm.sh
  std::filesystem::path state_dir;                           // state records for cleanup (see state.h)
  std::filesystem::path vm_dir = "/var/lib/deploybench-vm";  // vmlinux and built initramfs images
  ProcessRunner* processes = nullptr;                        // not owned; outlives every target
  CgroupMounts cgroups;
  std::vector<int> cpus;  // CPUs the harness may use (placement)
};

/// Locates everything: DEPLOYBENCH_REFBOT / DEPLOYBENCH_REFBOT_STATIC, else
/// next to the running executable (<dir>/../refbot/refbot in the build tree,
/// <dir>/refbot when installed); DEPLOYBENCH_PROJECT_DIR, else the source tree
/// this binary was built from; DEPLOYBENCH_VM_DIR, else
/// /var/lib/deploybench-vm; default_state_dir(). Paths that do not exist are
/// still filled in: the target that needs one reports it with a hint.
Environment discover_environment(ProcessRunner& processes);

}  // namespace deploybench::target
