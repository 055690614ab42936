#pragma once
// One request's generation as seen from both sides: the scheduler thread pushes events, the
// connection thread waits for them. Cancelling (client gone) is a flag the scheduler reads at
// its next step.
//
// Waking a blocked thread costs the waker a cross-CPU interrupt, and here the waker is the
// scheduler thread, whose CPU time is the decode loop's (on a 2-vCPU VM that costs a few
// percent of decode speed at one wake per token). So a client with a spare core (PollSlots)
// learns the token cadence and polls for its next token: the scheduler's push then finds
// nobody blocked and makes no system call. Through gaps of at least PollSlots::spin_below it
// first sleeps until just before the token is due; through shorter ones it polls the whole
// gap, because on a VM the polling vCPU's halt and timer wake-up once per token slow the
// engine's vCPU too (tiny int8 at ~0.5 ms per token: ~3% slower decode when the poller
// sleeps, measured by refbot overhead). A token that does not come within half a gap of when
// it was due falls back to a blocking wait.
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/units.h"
#include "openai/chat_types.h"
#include "serve/engine.h"

namespace deploybench::serve {

struct GenerationRequest {
  std::vector<int> prompt;  // token ids, BOS included
  /// Synthetic engines: the reply to emit, one token per decode step, instead of sampling.
  /// After it, `script_loop` repeats until min_tokens is reached (empty: stop after script).
  std::vector<int> script;
  std::vector<int> script_loop;
  int max_tokens = 16;  // >= 1; prompt + max_tokens <= context (checked by the caller)
  int min_tokens = 0;   // end of sequence suppressed before this many tokens
  SamplingOptions sampling;
  std::vector<std::string> stop;  // generation ends before a token completing one of these
  TimePoint deadline = TimePoint::max();
};

struct TokenEvent {
  std::string text;                              // may be "" (inside a UTF-8 character)
  std::optional<openai::ServerTimings> timings;  // first token: queue and prefill so far
};
struct FinishEvent {
  openai::FinishReason reason = openai::FinishReason::Stop;
  openai::Usage usage;
  openai::ServerTimings timings;
};
struct FailEvent {
  openai::ApiError error;
};
using GenerationEvent = std::variant<TokenEvent, FinishEvent, FailEvent>;

/// How many clients may poll for their tokens at once: one per core the engine leaves free
/// (polling on the engine's cores would take time from the decode it waits for).
class PollSlots {
 public:
  /// `spin_below`: token gaps shorter than this are polled through without sleeping.
  explicit PollSlots(int slots, Nanos spin_below = Nanos::zero()) : free_(slots), spin_below_(spin_below) {}
  bool try_acquire();
  void release() { free_.fetch_add(1, std::memory_order_relaxed); }
  /// The CPU the scheduler thread runs on: a client that finds itself there stops polling
  /// (it would spin on the core whose decode it is waiting for).
  /// Called by the scheduler at every step; stores only on a change, so polling clients keep
  /// reading a cached line instead of pulling it from the engine's CPU after every step.
  void set_engine_cpu(int cpu) {
    if (engine_cpu_.load(std::memory_order_relaxed) != cpu) engine_cpu_.store(cpu, std::memory_order_relaxed);
  }
  int engine_cpu() const { return engine_cpu_.load(std::memory_order_relaxed); }
  Nanos spin_below() const { return spin_below_; }

 private:
  std::atomic<int> free_;
  const Nanos spin_below_;
  std::atomic<int> engine_cpu_{-1};
};

class Generation {
 public:
  /// `slots`: may be null (always block).
  explicit Generation(std::shared_ptr<PollSlots> slots = nullptr) : slots_(std::move(slots)) {}
  ~Generation();
  Generation(const Generation&) = delete;
  Generation& operator=(const Generation&) = delete;

  /// Scheduler side. Thread-safe.
  void push(GenerationEvent event);
  /// Client side (one thread): moves all queued events to `out`, waiting up to `timeout` for
  /// at least one. Returns false when none arrived in time.
  bool wait(std::vector<GenerationEvent>& out, Nanos timeout);
  void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }
  /// Client side: waits that found nothing and blocked until the scheduler woke them.
  int blocked_waits() const { return blocked_waits_; }
  /// Client side: waits that slept until shortly before their token was due.
  int naps() const { return naps_; }

 private:
  /// Sleeps until shortly before the next token is due (gaps of at least spin_below), then
  /// polls until it arrives or is half a gap late. Returns at once while the cadence is unknown.
  void await_due(TimePoint deadline);
  void note_arrival(std::uint64_t pushed, std::int64_t last_push_ns, bool done);
  /// Takes a poll slot and moves this (client) thread off the scheduler's CPU: a poller woken
  /// there by its timer would preempt the decode it waits for. Returns false without a slot.
  bool start_polling();
  /// Gives the slot back and restores the client thread's CPU affinity.
  void stop_polling();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<GenerationEvent> events_;
  std::atomic<bool> cancelled_{false};
  std::atomic<std::uint64_t> pushed_{0};       // events pushed so far
  std::atomic<std::int64_t> last_push_ns_{0};  // steady clock of the latest push
  // Client side only.
  std::shared_ptr<PollSlots> slots_;
  bool polling_ = false;  // holds one of slots_
  bool moved_ = false;    // poller_ runs with saved_cpus_ minus the scheduler's CPU
  pthread_t poller_{};
  cpu_set_t saved_cpus_{};
  std::uint64_t taken_ = 0;
  std::int64_t taken_push_ns_ = 0;  // push time of the latest event taken
  Nanos gap_{0};                    // between the two latest tokens, when taken one by one
  int blocked_waits_ = 0;
  int naps_ = 0;
};

}  // namespace deploybench::serve
