#include "engine/thread_pool.h"

#include <chrono>

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
}  // namespace

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { work_loop(); });
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

void ThreadPool::drain(std::uint64_t generation) {
  const std::uint64_t tag = generation & 0xffffffffu;
  for (;;) {
    std::uint64_t v = next_.load(std::memory_order_acquire);
    for (;;) {
      if ((v >> 32) != tag) return;
      if (static_cast<int>(v & 0xffffffffu) >= tasks_.load(std::memory_order_relaxed)) return;
      if (next_.compare_exchange_weak(v, v + 1, std::memory_order_acq_rel)) break;
    }
    call_.load(std::memory_order_relaxed)(ctx_.load(std::memory_order_relaxed), static_cast<int>(v & 0xffffffffu));
    done_.fetch_add(1, std::memory_order_release);
  }
}

void ThreadPool::dispatch(int tasks, void* ctx, Call call) {
  ctx_.store(ctx, std::memory_order_relaxed);
  call_.store(call, std::memory_order_relaxed);
  tasks_.store(tasks, std::memory_order_relaxed);
  done_.store(0, std::memory_order_relaxed);
  const std::uint64_t gen = generation_.load(std::memory_order_relaxed) + 1;
  next_.store((gen & 0xffffffffu) << 32, std::memory_order_release);
  generation_.store(gen);  // seq_cst: pairs with the sleepers_ check below (no lost wake-up)
  if (sleepers_.load() > 0) {
    std::lock_guard lock(mutex_);
    wake_.notify_all();
  }
  drain(gen);
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

void ThreadPool::work_loop() {
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
    drain(gen);
  }
}

}  // namespace deploybench::engine
