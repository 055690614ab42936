#pragma once
// Ctrl-C / SIGTERM handling for `deploybench run` and `probe`: the first signal sets a flag that the runner
// polls (between cells, and the load generator through its stop flag) so every deployed target
// is torn down before exit; a second signal exits at once.
//
// A closed stdout or stderr (`deploybench run x.yaml | head -1`) is an interruption too: the
// process ignores SIGPIPE (apps/deploybench/main.cpp), a watcher thread notices the pipe's reader
// going away (poll reports POLLERR on the write end) and a failed write reports it through
// output_broken(); either sets the same flag, with signal_number() == SIGPIPE.
#include <atomic>
#include <thread>

namespace deploybench::runner {

/// Installs SIGINT and SIGTERM handlers and watches stdout/stderr for the lifetime of this object.
/// A process-wide flag is unavoidable for a signal handler; it is only ever written by the
/// handler, the watcher and output_broken(), and reset here.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  /// The flag the handler sets; pass it to anything long-running as its stop flag.
  static const std::atomic<bool>& flag() noexcept;
  static bool interrupted() noexcept { return flag().load(std::memory_order_relaxed); }
  /// The signal that arrived (SIGINT or SIGTERM; SIGPIPE for a closed output), 0 if none.
  static int signal_number() noexcept;
  /// Called when a write to stdout or stderr failed with EPIPE: stop as if interrupted.
  static void output_broken() noexcept;

 private:
  int wake_fd_ = -1;  // eventfd that ends the watcher
  std::thread watcher_;
};

}  // namespace deploybench::runner
