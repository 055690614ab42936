// Overload, disconnects, authentication and bad input: each gets its status and an
// OpenAI-shaped error body, never a crash or a hang.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "serve/http_client.h"
#include "serve/test_server.h"

using namespace deploybench;
using namespace deploybench::serve;
using namespace deploybench::serve::testing;

namespace {

/// The error object of an OpenAI-shaped error body (fails the test if the shape is wrong).
nlohmann::json error_of(const HttpResult& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  REQUIRE(j.is_object());
  REQUIRE(j.contains("error"));
  const auto& e = j["error"];
  CHECK(e["message"].is_string());
  CHECK(e["type"].is_string());
  CHECK(e.contains("code"));
  return e;
}

/// Server options with one batch slot and `max_queue` waiting places.
ServerOptions one_slot(int max_queue) {
  ServerOptions options;
  options.scheduler.max_batch = 1;
  options.scheduler.max_queue = max_queue;
  return options;
}

}  // namespace

TEST_CASE("bad input gets a 4xx with an OpenAI-shaped error", "[serve][errors]") {
  ServerOptions options;
  options.http.max_body = 4096;
  TestServer server({.context_length = 256, .step_cost = std::chrono::microseconds(100)}, options);
  const auto url = server.url("/v1/chat/completions");
  struct Case {
    std::string name, body;
    long status;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {"malformed JSON", R"({"messages": [)", 400, "not valid JSON"},
      {"not an object", R"([1,2])", 400, "must be a JSON object"},
      {"missing messages", R"({"max_tokens": 4})", 400, "'messages' is required"},
      {"empty messages", R"({"messages": []})", 400, "at least one message"},
      {"messages wrong type", R"({"messages": "hi"})", 400, "'messages': expected array"},
      {"unknown role", R"({"messages": [{"role": "robot", "content": "hi"}]})", 400, "unknown role 'robot'"},
      {"content wrong type", R"({"messages": [{"role": "user", "content": 5}]})", 400, "messages[0].content"},
      {"negative max_tokens", chat_body("hi", -3, false), 400, "'max_tokens': -3 is below the minimum 1"},
      {"huge max_tokens", chat_body("hi", 100000000, false), 400, "'max_tokens'"},
      {"fractional max_tokens", R"({"messages":[{"role":"user","content":"hi"}],"max_tokens":2.5})", 400,
       "expected an integer"},
      {"stream wrong type", R"({"messages":[{"role":"user","content":"hi"}],"stream":"yes"})", 400,
       "'stream': expected boolean"},
      {"temperature out of range", R"({"messages":[{"role":"user","content":"hi"}],"temperature":7})", 400,
       "'temperature'"},
      {"min above max", chat_body("hi", 4, false, R"("min_tokens":5)"), 400, "'min_tokens'"},
      {"context overflow", chat_body("hi", 250, false), 400, "exceeds the context length"},
      {"invalid UTF-8", "{\"messages\":[{\"role\":\"user\",\"content\":\"\xff\xfe\"}]}", 400, "not valid JSON"},
      {"unknown model", R"({"model":"gpt-9","messages":[{"role":"user","content":"hi"}]})", 404, "gpt-9"},
      {"body over the limit", chat_body(std::string(5000, 'a'), 4, false), 413, "exceeds the limit"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto r = post_json(url, c.body);
    CHECK(r.status == c.status);
    auto e = error_of(r);
    CHECK_THAT(e["message"].get<std::string>(), Catch::Contains(c.message_part));
  }
  SECTION("unknown path and wrong method") {
    auto r = get(server.url("/v2/nothing"));
    CHECK(r.status == 404);
    error_of(r);
    r = get(url);
    CHECK(r.status == 405);
    CHECK(r.header("Allow") == "POST");
    error_of(r);
  }
  SECTION("the server still answers after all of that") {
    CHECK(post_json(url, chat_body("hi", 3, false)).status == 200);
  }
}

TEST_CASE("an API key is required when set", "[serve][auth]") {
  ServerOptions options;
  options.service.api_key = "s3cret";
  TestServer server({.step_cost = std::chrono::microseconds(100)}, options);
  const auto url = server.url("/v1/chat/completions");
  auto r = post_json(url, chat_body("hi", 2, false));
  CHECK(r.status == 401);
  CHECK(error_of(r)["type"] == "authentication_error");
  CHECK(post_json(url, chat_body("hi", 2, false), {"Authorization: Bearer wrong!"}).status == 401);
  CHECK(post_json(url, chat_body("hi", 2, false), {"Authorization: Bearer s3cret"}).status == 200);
  CHECK(get(server.url("/v1/models")).status == 401);
  CHECK(get(server.url("/health")).status == 200);  // probes need no key
}

TEST_CASE("beyond --max-queue the server answers 429 with Retry-After", "[serve][overload]") {
  TestServer server({.max_sequences = 1, .step_cost = std::chrono::milliseconds(2)}, one_slot(1));
  const auto url = server.url("/v1/chat/completions");
  const ServeMetrics& metrics = server.server().metrics();
  auto wait_for = [](auto condition) {
    for (int i = 0; i < 1000 && !condition(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    return condition();
  };
  // One request runs and one waits, each long enough to still be there when the third arrives.
  std::vector<long> statuses(2);
  auto long_request = [&](int i) {
    statuses[static_cast<std::size_t>(i)] = post_json(url, chat_body("hi", 400, false, R"("min_tokens":400)")).status;
  };
  std::thread running(long_request, 0);
  const bool admitted = wait_for([&] { return metrics.batch_size() == 1; });
  std::thread waiting(long_request, 1);
  const bool queued = wait_for([&] { return metrics.queue_depth() == 1; });
  const HttpResult r = post_json(url, chat_body("hi", 2, false));
  running.join();
  waiting.join();
  REQUIRE(admitted);
  REQUIRE(queued);
  CHECK(r.status == 429);
  CHECK(r.header("Retry-After") == "1");
  CHECK(error_of(r)["code"] == "queue_full");
  CHECK(statuses[0] == 200);
  CHECK(statuses[1] == 200);
}

TEST_CASE("a client that disconnects frees its batch slot", "[serve][cancel]") {
  TestServer server({.max_sequences = 1, .step_cost = std::chrono::milliseconds(5)}, one_slot(0));
  const auto url = server.url("/v1/chat/completions");
  int pieces = 0;
  HttpCall call{"POST",
                url,
                chat_body("hi", 2000, true, R"("min_tokens":2000)"),
                {"Content-Type: application/json"},
                [&](std::string_view) { return ++pieces < 3; }};  // hang up after 3 pieces
  auto aborted = http(call);
  CHECK(aborted.code == CURLE_WRITE_ERROR);
  // The slot is free once the scheduler notices (next step): a new request is admitted, not 429.
  long status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    status = post_json(url, chat_body("hi", 2, false)).status;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(status == 200);
  const auto metrics = get(server.url("/metrics")).body;
  CHECK(metric_value(metrics, "refbot_requests_cancelled_total") == 1);
  CHECK(metric_value(metrics, "refbot_generation_tokens_total") < 100);  // not all 2000 were generated
}

TEST_CASE("/health is 503 until the model is loaded", "[serve][health]") {
  std::promise<void> release;
  auto released = release.get_future().share();
  ServerOptions options;
  options.http.port = 0;
  Server server(options, [released]() -> Result<std::unique_ptr<Engine>> {
    released.wait();
    return std::unique_ptr<Engine>(std::make_unique<FakeEngine>(FakeEngineOptions{}));
  });
  REQUIRE(server.start().ok());
  std::thread run([&] { (void)server.run(); });
  const auto base = fmt::format("http://127.0.0.1:{}", server.port());
  CHECK(get(base + "/health").status == 503);
  CHECK(post_json(base + "/v1/chat/completions", chat_body("hi", 2, false)).status == 503);
  release.set_value();
  REQUIRE(server.wait_ready());
  CHECK(get(base + "/health").status == 200);
  server.stop();
  run.join();
}

TEST_CASE("/metrics exposes the documented series", "[serve][metrics]") {
  TestServer server({.step_cost = std::chrono::microseconds(100)});
  REQUIRE(post_json(server.url("/v1/chat/completions"), chat_body("hi", 5, false)).status == 200);
  (void)post_json(server.url("/v1/chat/completions"), "{");
  auto r = get(server.url("/metrics"));
  REQUIRE(r.status == 200);
  CHECK_THAT(r.header("Content-Type"), Catch::StartsWith("text/plain; version=0.0.4"));
  for (const char* name : {"refbot_batch_size", "refbot_queue_depth", "refbot_process_cpu_seconds_total",
                           "refbot_process_resident_memory_bytes", "refbot_prompt_tokens_total"})
    CHECK(metric_value(r.body, name) >= 0);
  CHECK(metric_value(r.body, "refbot_process_resident_memory_bytes") > 1e6);
  CHECK(metric_value(r.body, "refbot_generation_tokens_total") == 5);
  CHECK(metric_value(r.body, "refbot_time_to_first_token_seconds_count") == 1);
  CHECK_THAT(r.body, Catch::Contains("refbot_requests_total{status=\"200\"} 1"));
  CHECK_THAT(r.body, Catch::Contains("refbot_requests_total{status=\"400\"} 1"));
}
