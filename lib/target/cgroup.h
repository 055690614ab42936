#pragma once
// CPU and memory limits through cgroups, v1 (separate cpu/cpuacct/memory
// hierarchies, as on this machine) or v2 (unified). A deployment's cgroups live
// under "deploybench/<name>" in each hierarchy so that `deploybench cleanup`
// can find what a killed run left.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "target/proc_stats.h"
#include "target/target_config.h"

namespace deploybench::target {

enum class CgroupVersion { V1, V2 };

/// Where the cgroup hierarchies are mounted (from /proc/self/mountinfo).
struct CgroupMounts {
  std::optional<std::filesystem::path> v2;  // a cgroup2 mount that has the cpu and memory controllers
  std::optional<std::filesystem::path> cpu, cpuacct,
      memory;                  // v1 hierarchies (may be one path)
  std::string v2_controllers;  // contents of cgroup.controllers of the v2 mount
};

/// Parses the text of /proc/self/mountinfo.
CgroupMounts parse_cgroup_mounts(std::string_view mountinfo, const std::filesystem::path& fs_root = "/");
CgroupMounts read_cgroup_mounts();

/// "v1", "v2" or "none" with the reason, for describe() and doctor.
std::string describe_cgroups(const CgroupMounts& mounts);

class Cgroup {
 public:
  /// Creates deploybench/<name> with the limits (cpus -> CFS quota, memory ->
  /// hard limit).
  static Result<Cgroup> create(const CgroupMounts& mounts, const std::string& name, const ResourceLimits& limits);
  CgroupVersion version() const { return version_; }
  /// cgroup.procs files a child writes its pid into before exec.
  std::vector<std::filesystem::path> procs_files() const;
  /// Every directory of this cgroup (one per v1 hierarchy), for the state
  /// record.
  const std::vector<std::filesystem::path>& dirs() const { return dirs_; }

 private:
  CgroupVersion version_ = CgroupVersion::V1;
  std::vector<std::filesystem::path> dirs_;
};

/// Kills every process in the directories, waits for them to go, and removes
/// the directories. Directories that no longer exist are skipped. Errors name
/// the directory that stays.
Status remove_cgroup_dirs(const std::vector<std::filesystem::path>& dirs);

/// "<owner pid>.<owner start ticks>.<deployment>" for the current process as
/// owner, so cleanup can tell a cgroup of a running harness from one a killed
/// run left.
std::string owned_cgroup_name(const std::string& deployment);
/// True when the owner encoded in the directory's name is still running.
bool cgroup_owner_alive(const std::filesystem::path& dir);

/// Every deploybench/<name> directory in every hierarchy (what a killed run may
/// have left).
std::vector<std::filesystem::path> list_deploybench_cgroups(const CgroupMounts& mounts);

/// CPU and memory of the cgroup that `pid` belongs to (a container's init
/// process): CPU from cpuacct.usage (v1) or cpu.stat usage_usec (v2); memory as
/// resident anon + mapped file pages.
Result<ProcUsage> read_cgroup_usage_of(pid_t pid, const CgroupMounts& mounts);

}  // namespace deploybench::target
