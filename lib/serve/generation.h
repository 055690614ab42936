#pragma once
// One request's generation as seen from both sides: the scheduler thread pushes events, the
// connection thread waits for them. Cancelling (client gone) is a flag the scheduler reads at
// its next step.
#include <atomic>
#include <condition_variable>
#include <deque>
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

class Generation {
 public:
  /// Scheduler side. Thread-safe.
  void push(GenerationEvent event);
  /// Client side: moves all queued events to `out`, waiting up to `timeout` for at least one.
  /// Returns false when none arrived in time.
  bool wait(std::vector<GenerationEvent>& out, Nanos timeout);
  void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return cancelled_.load(std::memory_order_relaxed); }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<GenerationEvent> events_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace deploybench::serve
