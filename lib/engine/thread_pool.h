#pragma once
// A persistent pool for the matrix work: workers are started once and wait for
// jobs, spinning briefly first (a decode step dispatches ~60 jobs a few
// microseconds apart) and then sleeping.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace deploybench::engine {

class ThreadPool {
 public:
  /// `threads` >= 1 counts the calling thread: threads - 1 workers are started.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int size() const { return static_cast<int>(workers_.size()) + 1; }

  /// Runs fn(task) for every task in [0, tasks) on the pool and the calling
  /// thread; returns when all are done. Thread t (the caller is 0) owns the
  /// t-th contiguous share of the tasks and runs it in order, so a matmul's
  /// weight rows stream as one sequence per thread; a thread that runs out
  /// takes the others' last tasks, so a preempted thread delays little. Not
  /// reentrant: call from one thread at a time, and not from inside a task.
  /// At most 2^20 tasks.
  template <typename Fn>
  void run(int tasks, Fn&& fn) {
    if (tasks <= 0) return;
    if (tasks == 1 || workers_.empty()) {
      for (int t = 0; t < tasks; ++t) fn(t);
      return;
    }
    dispatch(tasks, &fn, [](void* ctx, int task) { (*static_cast<std::remove_reference_t<Fn>*>(ctx))(task); });
  }

 private:
  using Call = void (*)(void* ctx, int task);
  void dispatch(int tasks, void* ctx, Call call);
  void work_loop(int self);
  void drain(std::uint64_t generation, int self);
  // Claims one task of share `share`, from its front (its owner) or its back (a thief); -1 when
  // the share is empty or belongs to another job.
  int claim(int share, std::uint64_t tag, bool front);

  // One thread's share of the current job: packs the job's generation (bits 40-63), the end
  // (20-39) and the next unclaimed task (0-19), so a thread that wakes late for an old job can
  // never claim a task of a newer one.
  struct alignas(64) Share {
    std::atomic<std::uint64_t> range{0};
  };

  std::vector<std::thread> workers_;
  std::unique_ptr<Share[]> shares_;
  // The current job, published by the release stores of the shares.
  std::atomic<void*> ctx_{nullptr};
  std::atomic<Call> call_{nullptr};
  alignas(64) std::atomic<int> done_{0};
  alignas(64) std::atomic<std::uint64_t> generation_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace deploybench::engine
