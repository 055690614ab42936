#include "runner/interrupt.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>

namespace deploybench::runner {
namespace {
std::atomic<bool> g_interrupted{false};
volatile std::sig_atomic_t g_signal = 0;
struct sigaction g_old_int {
}, g_old_term{};

void on_signal(int sig) {  // internal linkage: a plain function is a valid handler on Linux
  if (g_interrupted.load(std::memory_order_relaxed)) _exit(128 + sig);  // second signal: leave now
  g_signal = sig;
  g_interrupted.store(true, std::memory_order_relaxed);
  static const char kMsg[] = "\ndeploybench: interrupted, stopping (press Ctrl-C again to exit now)\n";
  [[maybe_unused]] auto n = ::write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
}

/// Blocks until stdout or stderr reports an error or hang-up (its reader is gone) or `wake_fd`
/// becomes readable. Regular files, /dev/null and live pipes report nothing and cost nothing.
void watch_output(int wake_fd) {
  pollfd fds[3] = {{STDOUT_FILENO, 0, 0}, {STDERR_FILENO, 0, 0}, {wake_fd, POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[2].revents != 0) return;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents & POLLNVAL) fds[i].fd = -1;  // not open: nothing to watch
      if (fds[i].revents & (POLLERR | POLLHUP)) {
        InterruptGuard::output_broken();
        return;
      }
    }
  }
}
}  // namespace

InterruptGuard::InterruptGuard() {
  g_interrupted.store(false);
  g_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, &g_old_int);
  ::sigaction(SIGTERM, &sa, &g_old_term);
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (wake_fd_ >= 0) watcher_ = std::thread(watch_output, wake_fd_);
}

InterruptGuard::~InterruptGuard() {
  if (watcher_.joinable()) {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
    watcher_.join();
  }
  if (wake_fd_ >= 0) ::close(wake_fd_);
  ::sigaction(SIGINT, &g_old_int, nullptr);
  ::sigaction(SIGTERM, &g_old_term, nullptr);
}

const std::atomic<bool>& InterruptGuard::flag() noexcept { return g_interrupted; }
int InterruptGuard::signal_number() noexcept { return g_signal; }

void InterruptGuard::output_broken() noexcept {
  if (g_interrupted.exchange(true)) return;  // already stopping
  g_signal = SIGPIPE;
  // stdout may be the closed one; if stderr is too, this write fails quietly (SIGPIPE is ignored).
  static const char kMsg[] = "\ndeploybench: output closed, stopping\n";
  [[maybe_unused]] auto n = ::write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
}

}  // namespace deploybench::runner
