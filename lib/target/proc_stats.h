#pragma once
// Resource use of host processes from /proc (CPU from /proc/PID/stat, memory
// from VmRSS).
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace deploybench::target {

struct ProcUsage {
  double cpu_seconds = 0;       // utime + stime (+ reaped children's), seconds
  std::uint64_t rss_bytes = 0;  // VmRSS
};

/// Fields of /proc/PID/stat we use, parsed past the parenthesised command name.
struct ProcStat {
  char state = '?';  // R, S, Z, ...
  pid_t ppid = 0;
  std::uint64_t start_ticks = 0;  // field 22: identifies a pid across reuse
  double cpu_seconds = 0;         // fields 14-17
};

/// Parses the text of /proc/PID/stat; nullopt when malformed.
std::optional<ProcStat> parse_proc_stat(std::string_view text);
std::optional<ProcStat> read_proc_stat(pid_t pid);

/// True when `pid` exists, is not a zombie, and (when start_ticks != 0) is the
/// same process.
bool process_alive(pid_t pid, std::uint64_t start_ticks = 0);

/// `pid` and every descendant (by scanning /proc for parent links).
std::vector<pid_t> process_tree(pid_t pid);

/// Usage of one process; Error NotFound once it is gone.
Result<ProcUsage> read_process_usage(pid_t pid);
/// Summed over `pid` and its descendants (a command may be a wrapper around the
/// server).
Result<ProcUsage> read_tree_usage(pid_t pid);

}  // namespace deploybench::target
