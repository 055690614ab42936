#include "runner/interrupt.h"

#include <csignal>
#include <unistd.h>

namespace deploybench::runner {
namespace {
std::atomic<bool> g_interrupted{false};
volatile std::sig_atomic_t g_signal = 0;
struct sigaction g_old_int {}, g_old_term {};

void on_signal(int sig) {  // internal linkage: a plain function is a valid handler on Linux
  if (g_interrupted.load(std::memory_order_relaxed)) _exit(128 + sig);  // second signal: leave now
  g_signal = sig;
  g_interrupted.store(true, std::memory_order_relaxed);
  static const char kMsg[] = "\ndeploybench: interrupted, stopping (press Ctrl-C again to exit now)\n";
  [[maybe_unused]] auto n = ::write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
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
}

InterruptGuard::~InterruptGuard() {
  ::sigaction(SIGINT, &g_old_int, nullptr);
  ::sigaction(SIGTERM, &g_old_term, nullptr);
}

const std::atomic<bool>& InterruptGuard::flag() noexcept { return g_interrupted; }
int InterruptGuard::signal_number() noexcept { return g_signal; }

}  // namespace deploybench::runner
