#pragma once
// What works on this machine and why not, for `deploybench doctor`.
#include <string>
#include <vector>

#include "target/environment.h"

namespace deploybench::target {

struct KindStatus {
  std::string kind;  // "local", "container", "container (docker)", "vm", "remote", "cgroups", "placement"
  bool works = false;
  std::string detail;  // what was found
  std::string hint;    // what to do when it does not work
};

/// Checks every target kind with cheap probes (no deployment): binaries, podman info, qemu,
/// kernel, /dev/kvm, TLS support, cgroups and the default placement.
std::vector<KindStatus> doctor(const Environment& env);

}  // namespace deploybench::target
