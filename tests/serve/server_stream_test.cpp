// Streaming and batching behaviour of refbot's server over loopback with a real HTTP client.
#include <fmt/format.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <thread>

#include "openai/chat_json.h"
#include "openai/sse.h"
#include "serve/http_client.h"
#include "serve/test_server.h"

using namespace deploybench;
using namespace deploybench::serve;
using namespace deploybench::serve::testing;

namespace {

/// What a streaming client saw, decoded chunk by chunk as bytes arrived.
struct StreamTally {
  int content_chunks = 0;
  std::string text;
  bool role_first = false;
  bool done = false;
  bool data_after_done = false;
  std::optional<openai::Usage> usage;
  std::optional<openai::ServerTimings> timings;
  std::optional<openai::FinishReason> finish;
  int feeds = 0;
};

StreamTally stream_chat(const std::string& url, const std::string& body, HttpResult* out = nullptr) {
  StreamTally t;
  openai::SseDecoder decoder([&](std::string_view, std::string_view data) {
    if (t.done) t.data_after_done = true;
    if (data == "[DONE]") {
      t.done = true;
      return;
    }
    auto chunk = openai::parse_stream_chunk(data);
    REQUIRE(chunk.ok());
    if (chunk->role && t.content_chunks == 0) t.role_first = true;
    if (chunk->content) {
      ++t.content_chunks;
      t.text += *chunk->content;
    }
    if (chunk->finish_reason) t.finish = chunk->finish_reason;
    if (chunk->usage) t.usage = chunk->usage;
    if (chunk->timings) t.timings = chunk->timings;
  });
  HttpCall call{"POST", url, body, {"Content-Type: application/json"}, [&](std::string_view piece) {
                  ++t.feeds;
                  decoder.feed(piece);
                  return true;
                }};
  HttpResult r = http(call);
  REQUIRE(r.code == CURLE_OK);
  REQUIRE(r.status == 200);
  CHECK(decoder.finish_clean());
  CHECK_FALSE(decoder.malformed());
  if (out) *out = std::move(r);
  return t;
}

}  // namespace

TEST_CASE("a stream parses chunk by chunk and ends with usage and [DONE]", "[serve][stream]") {
  TestServer server({.step_cost = std::chrono::milliseconds(1)});
  HttpResult r;
  const auto t = stream_chat(
      server.url("/v1/chat/completions"),
      chat_body("What is continuous batching?", 24, true, R"("stream_options":{"include_usage":true})"), &r);
  CHECK(t.role_first);
  CHECK(t.done);
  CHECK_FALSE(t.data_after_done);
  REQUIRE(t.usage);
  CHECK(t.usage->completion_tokens == t.content_chunks);
  CHECK(t.content_chunks == 24);
  CHECK(t.usage->prompt_tokens > 0);
  CHECK(t.finish == openai::FinishReason::Length);
  // Synthetic engine: the reply is the knowledge base's answer, token by token.
  CHECK(t.text == "Continuous batching lets");
  CHECK(t.feeds > 1);  // arrived in pieces, not as one buffered body
  REQUIRE(t.timings);
  CHECK(t.timings->decode_ms > 0);
  CHECK(r.header("Server-Timing").find("queue;dur=") == 0);
  CHECK(r.header("Server-Timing").find("prefill;dur=") != std::string::npos);
  CHECK(r.header("Content-Type") == "text/event-stream");
  CHECK(r.header("X-Refbot-Generation") == "knowledge-base");
}

TEST_CASE("without include_usage the stream has no usage chunk", "[serve][stream]") {
  TestServer server({.step_cost = std::chrono::milliseconds(1)});
  const auto t = stream_chat(server.url("/v1/chat/completions"), chat_body("hello", 5, true));
  CHECK(t.content_chunks == 5);
  CHECK_FALSE(t.usage);
  CHECK(t.done);
  CHECK(t.timings);  // the finish chunk carries the server timings
}

TEST_CASE("min_tokens and max_tokens fix the output length exactly", "[serve][stream]") {
  SECTION("synthetic replies repeat the answer to reach min_tokens") {
    TestServer server({.step_cost = std::chrono::microseconds(100)});
    for (int n : {1, 7, 300, 700}) {
      const auto t =
          stream_chat(server.url("/v1/chat/completions"),
                      chat_body("what is ttft", n, true,
                                fmt::format(R"("min_tokens":{},"stream_options":{{"include_usage":true}})", n)));
      CHECK(t.content_chunks == n);
      REQUIRE(t.usage);
      CHECK(t.usage->completion_tokens == n);
    }
  }
  SECTION("sampled replies suppress end-of-sequence until min_tokens") {
    TestServer server({.synthetic = false, .step_cost = std::chrono::microseconds(100), .eos_after = 3});
    const auto early = stream_chat(server.url("/v1/chat/completions"),
                                   chat_body("hi", 50, true, R"("stream_options":{"include_usage":true})"));
    CHECK(early.usage->completion_tokens == 3);  // the model ends on its own
    CHECK(early.finish == openai::FinishReason::Stop);
    const auto fixed =
        stream_chat(server.url("/v1/chat/completions"),
                    chat_body("hi", 50, true, R"("min_tokens":50,"stream_options":{"include_usage":true})"));
    CHECK(fixed.content_chunks == 50);
    CHECK(fixed.usage->completion_tokens == 50);
    CHECK(fixed.finish == openai::FinishReason::Length);
  }
}

TEST_CASE("8 parallel streams complete with correct counts in one batch", "[serve][batching]") {
  TestServer server({.max_sequences = 8, .step_cost = std::chrono::milliseconds(4)});
  std::atomic<double> max_batch_metric{0};
  std::atomic<bool> running{true};
  std::thread watcher([&] {
    while (running) {
      const double b = metric_value(get(server.url("/metrics")).body, "refbot_batch_size");
      if (b > max_batch_metric) max_batch_metric = b;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  std::vector<std::thread> clients;
  std::vector<StreamTally> tallies(8);
  for (int i = 0; i < 8; ++i)
    clients.emplace_back([&, i] {
      const int n = 30 + i;
      tallies[static_cast<std::size_t>(i)] =
          stream_chat(server.url("/v1/chat/completions"),
                      chat_body("How do I choose the batch size?", n, true,
                                fmt::format(R"("min_tokens":{},"stream_options":{{"include_usage":true}})", n)));
    });
  for (auto& c : clients) c.join();
  running = false;
  watcher.join();
  for (int i = 0; i < 8; ++i) {
    const auto& t = tallies[static_cast<std::size_t>(i)];
    CHECK(t.content_chunks == 30 + i);
    REQUIRE(t.usage);
    CHECK(t.usage->completion_tokens == 30 + i);
  }
  CHECK(max_batch_metric > 1);
  CHECK(server.engine().max_batch_seen() > 1);
  const auto metrics = get(server.url("/metrics")).body;
  CHECK(metric_value(metrics, "refbot_generation_tokens_total") == 8 * 30 + 28);
}

TEST_CASE("a non-streamed completion carries usage and Server-Timing", "[serve]") {
  TestServer server({.step_cost = std::chrono::milliseconds(1)});
  auto r = post_json(server.url("/v1/chat/completions"), chat_body("what is prefill and decode", 12, false));
  REQUIRE(r.status == 200);
  auto c = openai::parse_completion(r.body);
  REQUIRE(c.ok());
  CHECK(c->usage.completion_tokens == 12);
  CHECK(c->content == "Prefill runs");
  CHECK(c->finish_reason == openai::FinishReason::Length);
  const auto timing = r.header("Server-Timing");
  CHECK(timing.find("queue;dur=") == 0);
  CHECK(timing.find("decode;dur=") != std::string::npos);
}

TEST_CASE("legacy /v1/completions streams text_completion chunks", "[serve][stream]") {
  TestServer server({.step_cost = std::chrono::milliseconds(1)});
  const auto t = stream_chat(server.url("/v1/completions"),
                             R"({"prompt":"what is the key-value cache","max_tokens":9,"stream":true,)"
                             R"("stream_options":{"include_usage":true}})");
  // The finish chunk of text completions carries text "" too.
  CHECK(t.usage->completion_tokens == 9);
  CHECK(t.text == "The key-v");
}

TEST_CASE("stop sequences end the reply before the stop text, streamed or not", "[serve][stop]") {
  // The fake tokenizer is byte-level, so "attention" completes over 9 tokens: the first 8 must
  // be held back, not streamed. "stores thX" matches up to "stores th" and then diverges, so
  // that held text must reach the client after all.
  TestServer server({.step_cost = std::chrono::microseconds(100)});
  const std::string question = "what is the key-value cache";
  const std::string stops = R"("stop":["attention","stores thX"])";
  auto r = post_json(server.url("/v1/chat/completions"), chat_body(question, 100, false, stops));
  auto c = openai::parse_completion(r.body);
  REQUIRE(c.ok());
  CHECK(c->content == "The key-value cache stores the ");
  CHECK(c->finish_reason == openai::FinishReason::Stop);
  // Every generated token counts, the stop sequence's too (as vLLM counts them).
  CHECK(c->usage.completion_tokens == static_cast<int>(std::string("The key-value cache stores the attention").size()));
  const auto t = stream_chat(server.url("/v1/chat/completions"),
                             chat_body(question, 100, true, stops + R"(,"stream_options":{"include_usage":true})"));
  CHECK(t.text == c->content);
  CHECK(t.finish == openai::FinishReason::Stop);
  REQUIRE(t.usage);
  CHECK(t.usage->completion_tokens == c->usage.completion_tokens);
  CHECK(t.content_chunks == t.usage->completion_tokens);
}

TEST_CASE("text held back for a stop sequence is flushed when the length limit ends the reply", "[serve][stop]") {
  TestServer server({.step_cost = std::chrono::microseconds(100)});
  // 39 tokens end inside "attention"; "attentio" might still have become the stop sequence.
  const auto t = stream_chat(server.url("/v1/chat/completions"),
                             chat_body("what is the key-value cache", 39, true, R"("stop":["attention!"])"));
  CHECK(t.text == "The key-value cache stores the attentio");
  CHECK(t.finish == openai::FinishReason::Length);
  CHECK(t.content_chunks == 39);
}

TEST_CASE("HTTP/1.0 clients get a close-delimited stream", "[serve][stream]") {
  TestServer server({.step_cost = std::chrono::microseconds(100)});
  HttpCall call{"POST",
                server.url("/v1/chat/completions"),
                chat_body("hello", 4, true),
                {"Content-Type: application/json"},
                nullptr,
                5000,
                true};
  auto r = http(call);
  REQUIRE(r.code == CURLE_OK);
  CHECK(r.status == 200);
  CHECK(r.header("Transfer-Encoding").empty());
  CHECK(r.body.find("data: [DONE]") != std::string::npos);
}
