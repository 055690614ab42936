#include "openai/chat_json.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace deploybench;
using namespace deploybench::openai;
using nlohmann::json;

TEST_CASE("a full chat request parses", "[openai][request]") {
  auto r = parse_chat_request(R"({"model":"m","messages":[{"role":"system","content":"be brief"},
    {"role":"user","content":[{"type":"text","text":"hi "},{"type":"text","text":"there"}]}],
    "stream":true,"stream_options":{"include_usage":true},"max_tokens":16,"min_tokens":16,
    "temperature":0.5,"top_p":0.9,"seed":7,"stop":["\n\n","END"]})");
  REQUIRE(r.ok());
  CHECK(r->model == "m");
  REQUIRE(r->messages.size() == 2);
  CHECK(r->messages[1].role == "user");
  CHECK(r->messages[1].content == "hi there");
  CHECK(r->params.stream);
  CHECK(r->params.include_usage);
  CHECK(r->params.max_tokens == 16);
  CHECK(r->params.min_tokens == 16);
  CHECK(r->params.temperature == 0.5);
  CHECK(r->params.top_p == 0.9);
  CHECK(r->params.seed == 7u);
  CHECK(r->params.stop == std::vector<std::string>{"\n\n", "END"});
}

TEST_CASE("defaults apply and max_completion_tokens is accepted", "[openai][request]") {
  auto r = parse_chat_request(R"({"messages":[{"role":"user","content":"x"}],"max_completion_tokens":5,"stop":"."})");
  REQUIRE(r.ok());
  CHECK_FALSE(r->params.stream);
  CHECK(r->params.max_tokens == 5);
  CHECK(r->params.temperature == 1.0);
  CHECK(r->params.stop == std::vector<std::string>{"."});
}

TEST_CASE("invalid requests name the offending field", "[openai][request]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"messages":[{"content":"x"}]})", "'messages[0].role' is required"},
      {R"({"messages":[{"role":"user"}]})", "'messages[0].content' is required"},
      {R"({"messages":[{"role":"user","content":"x"}],"max_tokens":0})", "'max_tokens': 0 is below the minimum 1"},
      {R"({"messages":[{"role":"user","content":"x"}],"max_tokens":"5"})",
       "'max_tokens': expected integer, got string"},
      {R"({"messages":[{"role":"user","content":"x"}],"top_p":0})", "'top_p'"},
      {R"({"messages":[{"role":"user","content":"x"}],"n":2})", "'n'"},
      {R"({"messages":[{"role":"user","content":"x"}],"stop":["a","b","c","d","e"]})", "at most 4"},
      {R"({"messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":1}})",
       "'stream_options.include_usage'"},
      {R"({"messages":[{"role":"user","content":"x"}],"model":3})", "'model': expected string"},
  };
  for (const auto& [body, message] : cases) {
    INFO(body);
    auto r = parse_chat_request(body);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Contains(message));
  }
}

TEST_CASE("max_tokens above the limit is rejected", "[openai][request]") {
  RequestLimits limits;
  limits.max_tokens_limit = 100;
  CHECK_FALSE(parse_chat_request(R"({"messages":[{"role":"user","content":"x"}],"max_tokens":101})", limits).ok());
  CHECK_FALSE(parse_chat_request(R"({"messages":[{"role":"user","content":"x"}],"max_tokens":1e300})", limits).ok());
  CHECK(parse_chat_request(R"({"messages":[{"role":"user","content":"x"}],"max_tokens":100})", limits).ok());
}

TEST_CASE("completion requests need a string prompt", "[openai][request]") {
  CHECK(parse_completion_request(R"({"prompt":"once upon","max_tokens":3})")->prompt == "once upon");
  CHECK_FALSE(parse_completion_request(R"({"prompt":["a"]})").ok());
  CHECK_FALSE(parse_completion_request(R"({})").ok());
}

TEST_CASE("chunks serialize in OpenAI's shape and parse back", "[openai][response]") {
  StreamChunk c;
  c.id = "chatcmpl-1";
  c.model = "refbot-tiny";
  c.created = 1700000000;
  c.content = "Hel";
  const json j = json::parse(to_json(c, Api::Chat));
  CHECK(j["object"] == "chat.completion.chunk");
  CHECK(j["choices"][0]["delta"]["content"] == "Hel");
  CHECK(j["choices"][0]["finish_reason"].is_null());
  CHECK_FALSE(j.contains("usage"));
  auto back = parse_stream_chunk(to_json(c, Api::Chat));
  REQUIRE(back.ok());
  CHECK(back->content == "Hel");

  StreamChunk u;
  u.usage = Usage{10, 4};
  u.timings = ServerTimings{1.5, 2.5, 30};
  const json ju = json::parse(to_json(u, Api::Chat));
  CHECK(ju["choices"].empty());
  CHECK(ju["usage"]["total_tokens"] == 14);
  CHECK(ju["timings"]["prefill_ms"] == 2.5);
  auto ub = parse_stream_chunk(to_json(u, Api::Chat));
  CHECK(ub->usage->completion_tokens == 4);
  CHECK(ub->timings->decode_ms == 30);
}

TEST_CASE("model output cut inside a UTF-8 character still serializes", "[openai][response]") {
  StreamChunk c;
  c.content = std::string("\xE2\x82");  // first two bytes of the euro sign
  const std::string s = to_json(c, Api::Chat);
  CHECK(json::parse(s)["choices"][0]["delta"]["content"] == "\xEF\xBF\xBD");  // U+FFFD
}

TEST_CASE("completions and errors serialize", "[openai][response]") {
  Completion c{"cmpl-1", "m", 1, "hello", FinishReason::Length, {3, 5}, std::nullopt};
  const json j = json::parse(to_json(c, Api::Chat));
  CHECK(j["object"] == "chat.completion");
  CHECK(j["choices"][0]["message"]["content"] == "hello");
  CHECK(j["choices"][0]["finish_reason"] == "length");
  CHECK(j["usage"]["completion_tokens"] == 5);
  auto back = parse_completion(to_json(c, Api::Text));
  CHECK(back->content == "hello");
  CHECK(back->usage.prompt_tokens == 3);
  const json e = json::parse(to_json(ApiError{400, "bad 'x'", "invalid_request_error", "invalid_value", "x"}));
  CHECK(e["error"]["message"] == "bad 'x'");
  CHECK(e["error"]["param"] == "x");
  CHECK(e["error"]["code"] == "invalid_value");
}

TEST_CASE("a ChatRequest round-trips through its JSON body", "[openai][request]") {
  ChatRequest req;
  req.model = "refbot-tiny";
  req.messages = {{"user", "hi"}};
  req.params.stream = true;
  req.params.include_usage = true;
  req.params.max_tokens = 8;
  req.params.min_tokens = 8;
  req.params.temperature = 0;
  auto back = parse_chat_request(to_json(req));
  REQUIRE(back.ok());
  CHECK(back->model == "refbot-tiny");
  CHECK(back->params.include_usage);
  CHECK(back->params.min_tokens == 8);
  CHECK(back->params.temperature == 0);
}
