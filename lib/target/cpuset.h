#pragma once
// CPU lists ("0-1,3") and placement: on a machine with few cores the harness
// and the target are pinned apart by default, because a load generator that
// competes with its target for the same core measures itself.
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "target/target_config.h"

namespace deploybench::target {

/// "0-1,3" -> {0, 1, 3}, sorted and unique. Errors name the offending text.
Result<std::vector<int>> parse_cpuset(std::string_view text);
/// {0, 1, 3} -> "0-1,3".
std::string format_cpuset(const std::vector<int>& cpus);
/// CPUs this process may run on (sched_getaffinity), sorted.
std::vector<int> available_cpus();
/// CPUs the kernel has online (/sys/devices/system/cpu/online), sorted; the
/// process's own CPUs when that file cannot be read.
std::vector<int> online_cpus();

/// Where the target and the harness run. Empty sets mean "not pinned".
struct Placement {
  std::string target_cpuset;
  std::string harness_cpuset;
  std::string reason;  // recorded in describe(): why this placement
};

/// Machines with at most this many CPUs get the pinned-apart default.
inline constexpr std::size_t kPinApartMaxCpus = 4;

/// The placement for a target given its limits and the CPUs available: an
/// explicit cpuset wins (the harness then gets the remaining CPUs, if any); on
/// a small machine the harness gets the first CPU and the target the rest; on a
/// large machine neither is pinned. Errors when the explicit cpuset is malformed
/// or names a CPU that is not in `cpus` (the message names both sets).
Result<Placement> plan_placement(const ResourceLimits& limits, const std::vector<int>& cpus);

/// The CPU set the runner should pin the harness (load generator) to, given
/// every target of a run: the CPUs that no target is pinned to. Empty when
/// nothing should be pinned.
std::string harness_cpuset(const std::vector<TargetConfig>& targets, const std::vector<int>& cpus);

}  // namespace deploybench::target
