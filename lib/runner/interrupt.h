#pragma once
// Ctrl-C / SIGTERM handling for `deploybench run` and `probe`: the first signal sets a flag that the runner
// polls (between cells, and the load generator through its stop flag) so every deployed target
// is torn down before exit; a second signal exits at once.
#include <atomic>

namespace deploybench::runner {

/// Installs SIGINT and SIGTERM handlers for the lifetime of this object. A process-wide flag is
/// unavoidable for a signal handler; it is only ever written by the handler and reset here.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  /// The flag the handler sets; pass it to anything long-running as its stop flag.
  static const std::atomic<bool>& flag() noexcept;
  static bool interrupted() noexcept { return flag().load(std::memory_order_relaxed); }
  /// The signal that arrived (SIGINT or SIGTERM), 0 if none.
  static int signal_number() noexcept;
};

}  // namespace deploybench::runner
