#pragma once
// Scheduling counters of one thread of this process, from Linux /proc (task/<tid>/schedstat,
// status and sched): how much CPU it got, how long it sat runnable but not running (another
// thread had its CPU), and how often it was switched out or moved. The overhead benchmark
// reads them for the engine thread around each run so a slower run can be attributed.
#include <sys/types.h>

#include <optional>
#include <string_view>

#include "core/units.h"

namespace deploybench::serve {

struct ThreadStats {
  Nanos cpu{0};          // time on a CPU
  Nanos run_delay{0};    // runnable, waiting for a CPU
  long voluntary = 0;    // switches out because it blocked
  long involuntary = 0;  // switches out because it was preempted
  long migrations = 0;   // moves to another CPU (0 where the kernel does not report them)
};

ThreadStats operator-(const ThreadStats& a, const ThreadStats& b);

/// The calling thread's counters; nullopt where /proc does not have them.
std::optional<ThreadStats> read_thread_stats();
/// Another thread of this process by its kernel thread id.
std::optional<ThreadStats> read_thread_stats(pid_t tid);
/// The kernel thread id of the first thread of this process named `name` (pthread_setname_np).
std::optional<pid_t> find_thread(std::string_view name);

}  // namespace deploybench::serve
