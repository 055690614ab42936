#include "engine/thread_pool.h"

#include <chrono>

#include "core/check.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DB_CPU_RELAX() _mm_pause()
#else
#define DB_CPU_RELAX() std::this_thread::yield()
#endif

namespace deploybench::engine {
namespace {
// How long an idle worker spins before sleeping: longer than the gap between
// the matmuls of one decode step, far shorter than a scheduler tick.
constexpr auto kSpin = std::chrono::microseconds(300);

constexpr int kTaskBits = 20;
constexpr std::uint64_t kTaskMask = (std::uint64_t{1} << kTaskBits) - 1;
constexpr std::uint64_t kTagMask = (std::uint64_t{1} << (64 - 2 * kTaskBits)) - 1;

std::uint64_t pack(std::uint64_t tag, int begin, int end) {
  return (tag << (2 * kTaskBits)) | (static_cast<std::uint64_t>(end) << kTaskBits) | static_cast<std::uint64_t>(begin);
}
}  // namespace

ThreadPool::ThreadPool(int threads) : shares_(new Share[threads < 1 ? 1 : threads]) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this, i] { work_loop(i); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mutex_);
    stop_.store(true);
    generation_.fetch_add(1);
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
}

int ThreadPool::claim(int share, std::uint64_t tag, bool front) {
  std::atomic<std::uint64_t>& range = shares_[share].range;
  std::uint64_t v = range.load(std::memory_order_acquire);
  for (;;) {
    if ((v >> (2 * kTaskBits)) != tag) return -1;
    const int begin = static_cast<int>(v & kTaskMask), end = static_cast<int>((v >> kTaskBits) & kTaskMask);
    if (begin >= end) return -1;
    const std::uint64_t next = front ? pack(tag, begin + 1, end) : pack(tag, begin, end - 1);
    if (range.compare_exchange_weak(v, next, std::memory_order_acq_rel)) return front ? begin : end - 1;
  }
}

void ThreadPool::drain(std::uint64_t generation, int self) {
  const std::uint64_t tag = generation & kTagMask;
  const int n = size();
  auto run_task = [this](int task) {
    call_.load(std::memory_order_relaxed)(ctx_.load(std::memory_order_relaxed), task);
    done_.fetch_add(1, std::memory_order_release);
  };
  for (int task; (task = claim(self, tag, true)) >= 0;) run_task(task);
  for (int k = 1; k < n; ++k) {
    for (int task; (task = claim((self + k) % n, tag, false)) >= 0;) run_task(task);
  }
}

void ThreadPool::dispatch(int tasks, void* ctx, Call call) {
  DEPLOYBENCH_CHECK(tasks <= static_cast<int>(kTaskMask)) << "thread pool: " << tasks << " tasks";
  ctx_.store(ctx, std::memory_order_relaxed);
  call_.store(call, std::memory_order_relaxed);
  done_.store(0, std::memory_order_relaxed);
  const std::uint64_t gen = generation_.load(std::memory_order_relaxed) + 1;
  const int n = size();
  for (int t = 0; t < n; ++t) {
    const int begin = static_cast<int>(static_cast<long long>(tasks) * t / n);
    const int end = static_cast<int>(static_cast<long long>(tasks) * (t + 1) / n);
    shares_[t].range.store(pack(gen & kTagMask, begin, end), std::memory_order_release);
  }
  generation_.store(gen);  // seq_cst: pairs with the sleepers_ check below (no lost wake-up)
  if (sleepers_.load() > 0) {
    std::lock_guard lock(mutex_);
    wake_.notify_all();
  }
  drain(gen, 0);
  // A worker holding a task may have been preempted (the machine can be oversubscribed): spin
  // briefly, then yield the core to it.
  for (int spin = 0; done_.load(std::memory_order_acquire) < tasks; ++spin) {
    if (spin < 2000) {
      DB_CPU_RELAX();
    } else {
      std::this_thread::yield();
    }
  }
}

void ThreadPool::work_loop(int self) {
  std::uint64_t seen = 0;
  for (;;) {
    std::uint64_t gen = generation_.load(std::memory_order_acquire);
    if (gen == seen) {
      const auto until = std::chrono::steady_clock::now() + kSpin;
      for (int spin = 0; gen == seen; ++spin) {
        DB_CPU_RELAX();
        gen = generation_.load(std::memory_order_acquire);
        if ((spin & 255) == 255 && std::chrono::steady_clock::now() > until) break;
      }
    }
    if (gen == seen) {
      std::unique_lock lock(mutex_);
      sleepers_.fetch_add(1);
      wake_.wait(lock, [&] { return generation_.load() != seen; });
      sleepers_.fetch_sub(1);
      gen = generation_.load(std::memory_order_acquire);
    }
    seen = gen;
    if (stop_.load()) return;
    drain(gen, self);
  }
}

}  // namespace deploybench::engine
