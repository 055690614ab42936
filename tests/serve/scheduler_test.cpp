// The scheduler driven directly (no HTTP) over a FakeEngine.
#include "serve/scheduler.h"

#include <catch2/catch.hpp>

#include "serve/fake_engine.h"

using namespace deploybench;
using namespace deploybench::serve;

namespace {

struct Outcome {
  std::string text;
  int tokens = 0;
  std::optional<FinishEvent> finish;
  std::optional<FailEvent> fail;
};

void absorb(Outcome& o, const std::vector<GenerationEvent>& events) {
  for (const auto& e : events) {
    if (auto* t = std::get_if<TokenEvent>(&e)) {
      o.text += t->text;
      ++o.tokens;
    }
    if (auto* f = std::get_if<FinishEvent>(&e)) o.finish = *f;
    if (auto* f = std::get_if<FailEvent>(&e)) o.fail = *f;
  }
}

/// Events until the generation finishes or fails, after those already in `o`.
Outcome collect(Generation& g, Outcome o = {}) {
  std::vector<GenerationEvent> events;
  while (!o.finish && !o.fail) {
    events.clear();
    REQUIRE(g.wait(events, std::chrono::seconds(10)));
    absorb(o, events);
  }
  return o;
}

GenerationRequest request(const Engine& engine, int max_tokens, int min_tokens = 0) {
  GenerationRequest r;
  r.prompt = engine.encode("hello", true);
  r.max_tokens = max_tokens;
  r.min_tokens = min_tokens;
  return r;
}

/// A started scheduler over a FakeEngine.
struct Rig {
  explicit Rig(FakeEngineOptions engine_options, SchedulerOptions options = {})
      : engine(engine_options), scheduler(engine, options, metrics) {
    scheduler.start();
  }
  FakeEngine engine;
  ServeMetrics metrics;
  Scheduler scheduler;
};

}  // namespace

TEST_CASE("greedy sampling follows the engine's logits and stops at end-of-sequence", "[serve][scheduler]") {
  Rig rig({.synthetic = false, .step_cost = std::chrono::microseconds(50), .pattern = "abc", .eos_after = 5});
  auto& engine = rig.engine;
  auto& scheduler = rig.scheduler;
  auto g = scheduler.submit(request(engine, 20));
  REQUIRE(g.ok());
  const auto o = collect(**g);
  CHECK(o.text == "abcab");
  REQUIRE(o.finish);
  CHECK(o.finish->reason == openai::FinishReason::Stop);
  CHECK(o.finish->usage.completion_tokens == 5);
  CHECK(o.finish->usage.prompt_tokens == 6);
}

TEST_CASE("scripted replies loop until min_tokens and stop at max_tokens", "[serve][scheduler]") {
  Rig rig({.step_cost = std::chrono::microseconds(50)});
  auto& engine = rig.engine;
  auto& scheduler = rig.scheduler;
  auto r = request(engine, 100, 10);
  r.script = engine.encode("abc", false);
  r.script_loop = engine.encode("-xy", false);
  auto o = collect(**scheduler.submit(r));
  CHECK(o.text == "abc-xy-xy-");
  CHECK(o.finish->reason == openai::FinishReason::Stop);
  r.min_tokens = 0;
  o = collect(**scheduler.submit(r));
  CHECK(o.text == "abc");
  r.max_tokens = 2;
  o = collect(**scheduler.submit(r));
  CHECK(o.text == "ab");
  CHECK(o.finish->reason == openai::FinishReason::Length);
}

TEST_CASE("stopping fails queued and running generations with 503", "[serve][scheduler]") {
  Rig rig({.max_sequences = 1, .step_cost = std::chrono::milliseconds(2)}, {.max_batch = 1, .max_queue = 4});
  auto& engine = rig.engine;
  auto& scheduler = rig.scheduler;
  auto running = scheduler.submit(request(engine, 900, 900));
  auto queued = scheduler.submit(request(engine, 10));
  REQUIRE(running.ok());
  REQUIRE(queued.ok());
  scheduler.stop();
  CHECK(collect(**running).fail->error.status == 503);
  CHECK(collect(**queued).fail->error.status == 503);
  CHECK_FALSE(scheduler.submit(request(engine, 1)).ok());
}

TEST_CASE("requests past their deadline fail with 504", "[serve][scheduler]") {
  Rig rig({.step_cost = std::chrono::milliseconds(2)});
  auto& engine = rig.engine;
  auto& scheduler = rig.scheduler;
  auto r = request(engine, 1000, 1000);
  r.deadline = SteadyClock::now() + std::chrono::milliseconds(30);
  const auto o = collect(**scheduler.submit(r));
  REQUIRE(o.fail);
  CHECK(o.fail->error.status == 504);
  CHECK(o.tokens > 0);
  CHECK(o.tokens < 1000);
}

namespace {

/// Tokens `running` streams from the submission of a long prompt until that prompt's first
/// token, and the long prompt's reply.
std::pair<int, Outcome> tokens_during_long_prefill(bool chunked) {
  // Prefilling 2000 tokens costs 100 ms; a decode step 1 ms.
  Rig rig({.max_sequences = 2,
           .prefill_cost = std::chrono::milliseconds(0),
           .prefill_token_cost = std::chrono::microseconds(50),
           .chunked_prefill = chunked,
           .step_cost = std::chrono::milliseconds(1)},
          {.max_batch = 2, .prefill_chunk = 64});
  auto running = *rig.scheduler.submit(request(rig.engine, 1500, 1500));
  std::vector<GenerationEvent> events;
  while (events.size() < 5) REQUIRE(running->wait(events, std::chrono::seconds(10)));
  GenerationRequest long_prompt = request(rig.engine, 3);
  long_prompt.prompt = rig.engine.encode(std::string(1999, 'x'), true);
  auto late = *rig.scheduler.submit(long_prompt);
  int during = 0;
  std::vector<GenerationEvent> first;
  while (first.empty()) {
    (void)late->wait(first, std::chrono::milliseconds(1));
    events.clear();
    if (running->wait(events, Nanos::zero())) during += static_cast<int>(events.size());
  }
  Outcome reply;
  absorb(reply, first);  // the first wake-up may bring several tokens, even the finish
  reply = collect(*late, reply);
  running->cancel();
  return {during, reply};
}

}  // namespace

TEST_CASE("a long prompt is prefilled in chunks while the running batch keeps decoding", "[serve][scheduler]") {
  const auto [during, reply] = tokens_during_long_prefill(true);
  // About 32 chunks of 64 tokens, one decode step after each: the running stream gets tokens
  // all along instead of waiting out the whole prefill.
  CHECK(during >= 16);
  CHECK(reply.text == "lor");  // the prompt arrived whole: the reply starts at its end
  REQUIRE(reply.finish);
  CHECK(reply.finish->usage.prompt_tokens == 2000);
}

TEST_CASE("an engine that cannot prefill in chunks gets the whole prompt in one call", "[serve][scheduler]") {
  const auto [during, reply] = tokens_during_long_prefill(false);
  CHECK(during < 16);  // the contrast that makes the test above meaningful
  CHECK(reply.text == "lor");
}
