#include "serve/generation.h"

#include <sched.h>

#include <algorithm>
#include <thread>

namespace deploybench::serve {
namespace {

std::int64_t steady_ns() { return SteadyClock::now().time_since_epoch().count(); }

bool terminal(const GenerationEvent& e) { return !std::holds_alternative<TokenEvent>(e); }

}  // namespace

bool PollSlots::try_acquire() {
  int n = free_.load(std::memory_order_relaxed);
  while (n > 0)
    if (free_.compare_exchange_weak(n, n - 1, std::memory_order_relaxed)) return true;
  return false;
}

Generation::~Generation() {
  if (polling_) stop_polling();
}

bool Generation::start_polling() {
  if (!slots_ || !slots_->try_acquire()) return false;
  polling_ = true;
  const int engine = slots_->engine_cpu();
  poller_ = ::pthread_self();
  if (engine < 0 || ::pthread_getaffinity_np(poller_, sizeof saved_cpus_, &saved_cpus_) != 0) return true;
  cpu_set_t others = saved_cpus_;
  CPU_CLR(engine, &others);
  moved_ = CPU_ISSET(engine, &saved_cpus_) && CPU_COUNT(&others) > 0 &&
           ::pthread_setaffinity_np(poller_, sizeof others, &others) == 0;
  return true;
}

void Generation::stop_polling() {
  // May run on another thread (the last owner destroys the generation): address the poller.
  if (moved_) ::pthread_setaffinity_np(poller_, sizeof saved_cpus_, &saved_cpus_);
  moved_ = false;
  slots_->release();
  polling_ = false;
}

void Generation::push(GenerationEvent event) {
  {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(event));
    last_push_ns_.store(steady_ns(), std::memory_order_relaxed);
    pushed_.fetch_add(1, std::memory_order_release);
  }
  cv_.notify_one();  // without a blocked waiter this is a load, not a system call
}

void Generation::await_due(TimePoint deadline) {
  if (gap_ <= Nanos::zero()) return;
  if (!polling_ && !start_polling()) return;
  const std::uint64_t taken = taken_;
  auto arrived = [&] { return pushed_.load(std::memory_order_acquire) != taken; };
  const TimePoint due = TimePoint(Nanos(taken_push_ns_)) + gap_;
  // Wake early enough to absorb timer slack (50 us by default) and a little jitter.
  const Nanos early = std::min<Nanos>(gap_ / 4, std::chrono::microseconds(150));
  if (gap_ >= slots_->spin_below() && !arrived()) {
    ++naps_;
    std::this_thread::sleep_until(std::min(due - early, deadline));
  }
  const TimePoint give_up = std::min(due + gap_ / 2, deadline);
  while (!arrived() && SteadyClock::now() < give_up) {
    if (::sched_getcpu() == slots_->engine_cpu()) return;  // block instead: the wake-up is cheaper
    std::this_thread::yield();                             // lets the client run
  }
}

void Generation::note_arrival(std::uint64_t pushed, std::int64_t last_push_ns, bool done) {
  // The cadence is only known from tokens taken one at a time (a batch of events says
  // nothing about when each was pushed).
  gap_ = pushed == taken_ + 1 && taken_push_ns_ != 0 ? Nanos(last_push_ns - taken_push_ns_) : Nanos::zero();
  taken_ = pushed;
  taken_push_ns_ = last_push_ns;
  if (done && polling_) stop_polling();
}

bool Generation::wait(std::vector<GenerationEvent>& out, Nanos timeout) {
  const TimePoint deadline = SteadyClock::now() + timeout;
  await_due(deadline);
  std::unique_lock lock(mu_);
  if (events_.empty()) ++blocked_waits_;
  if (!cv_.wait_until(lock, deadline, [this] { return !events_.empty(); })) return false;
  bool done = false;
  for (auto& e : events_) {
    done = done || terminal(e);
    out.push_back(std::move(e));
  }
  events_.clear();
  note_arrival(pushed_.load(std::memory_order_relaxed), last_push_ns_.load(std::memory_order_relaxed), done);
  return true;
}

}  // namespace deploybench::serve
