#pragma once
// Continuous batching over an Engine (one scheduler thread drives it). Each iteration prefills
// at most one chunk of one admitted prompt and then runs one batched decode step for every
// running sequence, so new requests join at the next step and a long prompt never stalls the
// running streams for longer than one chunk (when the engine can prefill in chunks). Waiting
// requests are bounded (--max-queue); cancelled or timed-out sequences leave at the next step.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.h"
#include "serve/engine.h"
#include "serve/generation.h"
#include "serve/metrics.h"

namespace deploybench::serve {

struct SchedulerOptions {
  int max_batch = 8;   // running sequences (<= engine max_sequences)
  int max_queue = 64;  // waiting requests beyond the free batch slots (0: only free slots accept)
  /// Prompt tokens prefilled per iteration while other sequences are decoding (engines with
  /// EngineInfo::chunked_prefill); with nothing running the whole prompt goes in one call.
  int prefill_chunk = 64;
  /// Clients that may poll for their next token instead of being woken (see generation.h);
  /// -1: one per core the engine's threads leave free.
  int client_pollers = -1;
  /// Polling clients poll through token gaps shorter than this instead of sleeping until
  /// just before the token is due (see generation.h); zero: always sleep first. Polling a
  /// whole gap keeps a spare core busy while the stream lasts, so it is off by default.
  Nanos client_spin_below = Nanos::zero();
};

class Scheduler {
 public:
  Scheduler(Engine& engine, SchedulerOptions options, ServeMetrics& metrics);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void start();
  /// Stops the loop; generations still waiting or running fail with 503. Idempotent.
  void stop();
  /// Queues a request. Errors: Unavailable when the queue is full (answer 429), Failed when
  /// the scheduler is stopping (503). Thread-safe.
  Result<std::shared_ptr<Generation>> submit(GenerationRequest request);
  int queue_depth() const;
  /// The CPU the scheduler thread ran on at its latest iteration (-1 before the first).
  int engine_cpu() const { return poll_slots_->engine_cpu(); }

 private:
  struct Waiting;
  struct Sequence;
  void loop();
  void admit(Waiting waiting);
  /// Prefills the next chunk of prefilling_; once the prompt is in, emits its first token
  /// and moves it to running_.
  void prefill_step();
  void decode_step();
  /// Applies token `token` to `seq`; returns true when the sequence finished.
  bool emit(Sequence& seq, int token, TimePoint now);
  /// Sends `text` as the event of one generated token.
  void deliver(Sequence& seq, std::string text, TimePoint now);
  int choose(Sequence& seq, std::span<const float> logits);
  void finish(Sequence& seq, openai::FinishReason reason, TimePoint now);
  void release(Sequence& seq);
  void reap_cancelled(TimePoint now);

  Engine& engine_;
  SchedulerOptions options_;
  ServeMetrics& metrics_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Waiting> waiting_;  // guarded by mu_
  bool stopping_ = false;        // guarded by mu_
  int active_ = 0;               // admitted and not yet released; guarded by mu_
  std::thread thread_;
  // Scheduler-thread state.
  std::unique_ptr<Sequence> prefilling_;  // admitted, prompt partly prefilled
  std::vector<std::unique_ptr<Sequence>> running_;
  std::vector<std::unique_ptr<Sequence>> still_;  // decode_step's next running_ (kept for its capacity)
  std::vector<Engine::Step> steps_;
  std::vector<bool> slot_busy_;
  std::vector<float> scratch_;  // logits copy when end-of-sequence is suppressed
  std::shared_ptr<PollSlots> poll_slots_;
};

}  // namespace deploybench::serve
