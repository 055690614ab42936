#include "loadgen/response_reader.h"

#include <catch2/catch.hpp>
#include <string>

using namespace deploybench;
using namespace deploybench::loadgen;

namespace {

std::string token_chunk(const std::string& text) {
  return R"({"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":")" + text + R"("}}]})";
}

// A well-formed stream: role announcement, 3 tokens, usage + timings, [DONE].
std::string good_stream(const std::string& eol = "\n") {
  std::string s;
  auto event = [&](const std::string& data) { s += "data: " + data + eol + eol; };
  event(R"({"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})");
  event(token_chunk("Hel"));
  event(token_chunk("lo"));
  event(token_chunk("!"));
  event(
      R"({"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3},"timings":{"queue_ms":1.5,"prefill_ms":2,"decode_ms":7.25}})");
  event("[DONE]");
  return s;
}

// Feeds `bytes` in pieces split at `cut`, each piece arriving 1 ms after the previous one.
RequestRecord read(const std::string& bytes, std::size_t cut, stats::LatencyHistogram* itl = nullptr) {
  ResponseReader reader;
  reader.reset(ResponseMode::ChatStream, itl);
  reader.set_status(200);
  reader.on_bytes(std::string_view(bytes).substr(0, cut), std::chrono::milliseconds{1});
  reader.on_bytes(std::string_view(bytes).substr(cut), std::chrono::milliseconds{2});
  reader.finish();
  RequestRecord r;
  reader.fill(r);
  return r;
}

}  // namespace

TEST_CASE("a stream split at any byte gives the same tokens, usage and timings") {
  for (const std::string eol : {"\n", "\r\n", "\r"}) {
    const std::string stream = good_stream(eol);
    for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
      INFO("eol " << (eol == "\n" ? "LF" : eol == "\r" ? "CR" : "CRLF") << " cut at " << cut);
      const auto r = read(stream, cut);
      INFO("error " << static_cast<int>(r.error) << " tokens " << r.token_events);
      REQUIRE(r.ok());
      REQUIRE(r.token_events == 3);
      REQUIRE(r.output_tokens == 3);
      REQUIRE(r.input_tokens == 5);
      REQUIRE(r.queue_ms == 1.5f);
      REQUIRE(r.decode_ms == 7.25f);
      REQUIRE(r.first_token != kNever);
    }
  }
}

TEST_CASE("token times are the arrival times passed in, and gaps go to the ITL histogram") {
  const std::string stream = good_stream();
  const auto second_token = stream.find("lo\"");
  stats::LatencyHistogram itl;
  const auto r = read(stream, second_token, &itl);
  REQUIRE(r.first_token == std::chrono::milliseconds{1});
  REQUIRE(r.last_token == std::chrono::milliseconds{2});
  REQUIRE(itl.count() == 2);  // 1 -> 2 ms, then 2 -> 2 ms
  REQUIRE(itl.max() == std::chrono::milliseconds{1});
}

TEST_CASE("comments, event names, ids and multi-line data are handled") {
  std::string s = ": keep-alive comment\n";
  s += "event: message\nid: 7\n";
  s += "data: {\"choices\":[{\"index\":0,\n";  // one JSON document over two data lines
  s += "data: \"delta\":{\"content\":\"x\"}}]}\n\n";
  s += ":another comment\n\ndata: [DONE]\n\n";
  for (std::size_t cut = 0; cut <= s.size(); ++cut) {
    const auto r = read(s, cut);
    REQUIRE(r.ok());
    REQUIRE(r.token_events == 1);
    REQUIRE(r.output_tokens == 1);  // no usage chunk: counted token events
  }
}

TEST_CASE("malformed streams are errors, never crashes") {
  SECTION("invalid JSON in an event") {
    const auto r = read("data: {\"choices\": [\n\ndata: [DONE]\n\n", 5);
    REQUIRE(r.error == ErrorKind::MalformedStream);
  }
  SECTION("stream ends without [DONE]") {
    const auto r = read("data: " + token_chunk("a") + "\n\n", 3);
    REQUIRE(r.error == ErrorKind::MalformedStream);
    REQUIRE(r.token_events == 1);
  }
  SECTION("stream ends in the middle of an event") {
    const auto r = read("data: " + token_chunk("a") + "\n\ndata: {\"cho", 4);
    REQUIRE(r.error == ErrorKind::MalformedStream);
    REQUIRE(r.token_events == 1);
  }
  SECTION("an error object mid-stream") {
    const auto r = read("data: {\"error\":{\"message\":\"boom\"}}\n\ndata: [DONE]\n\n", 10);
    REQUIRE(r.error == ErrorKind::MalformedStream);
  }
  SECTION("binary garbage") {
    std::string junk;
    for (int i = 0; i < 4096; ++i) junk += static_cast<char>((i * 7919) % 256);
    const auto r = read(junk, 1000);
    REQUIRE(r.error == ErrorKind::MalformedStream);
  }
  SECTION("a JSON value that is not an object") {
    const auto r = read("data: [1,2]\n\ndata: [DONE]\n\n", 0);
    REQUIRE(r.error == ErrorKind::MalformedStream);
  }
}

TEST_CASE("non-2xx bodies are kept as an example and not parsed") {
  ResponseReader reader;
  reader.reset(ResponseMode::ChatStream, nullptr);
  reader.set_status(429);
  reader.on_bytes(R"({"error":"slow down"})", std::chrono::milliseconds{1});
  reader.finish();
  RequestRecord r;
  reader.fill(r);
  REQUIRE(r.error == ErrorKind::None);  // the caller classifies the status
  REQUIRE(reader.error_body() == R"({"error":"slow down"})");
}

TEST_CASE("a malformed 2xx body is kept as the example: a JSON answer to a streamed request") {
  ResponseReader reader;
  reader.reset(ResponseMode::ChatStream, nullptr);
  reader.set_status(200);
  const std::string json = R"({"choices":[{"message":{"content":"not streamed"}}]})";
  reader.on_bytes(json, std::chrono::milliseconds{1});
  reader.finish();
  RequestRecord r;
  reader.fill(r);
  REQUIRE(r.error == ErrorKind::MalformedStream);
  REQUIRE(reader.error_body() == json);
  reader.reset(ResponseMode::ChatStream, nullptr);  // a good stream keeps no example
  reader.set_status(200);
  reader.on_bytes("data: [DONE]\n\n", std::chrono::milliseconds{1});
  reader.finish();
  REQUIRE(reader.error_body().empty());
}

TEST_CASE("a non-streamed answer yields usage and needs choices") {
  ResponseReader reader;
  reader.reset(ResponseMode::ChatJson, nullptr);
  reader.set_status(200);
  const std::string body =
      R"({"choices":[{"index":0,"message":{"role":"assistant","content":"hi"}}],"usage":{"prompt_tokens":4,"completion_tokens":9}})";
  reader.on_bytes(std::string_view(body).substr(0, 20), std::chrono::milliseconds{1});
  reader.on_bytes(std::string_view(body).substr(20), std::chrono::milliseconds{2});
  reader.finish();
  RequestRecord r;
  reader.fill(r);
  REQUIRE(r.ok());
  REQUIRE(r.output_tokens == 9);
  REQUIRE(r.first_token == kNever);

  reader.reset(ResponseMode::ChatJson, nullptr);
  reader.set_status(200);
  reader.on_bytes(R"({"object":"chat.completion"})", std::chrono::milliseconds{1});
  reader.finish();
  RequestRecord bad;
  reader.fill(bad);
  REQUIRE(bad.error == ErrorKind::MalformedStream);
}

TEST_CASE("Server-Timing header values are parsed in ms") {
  RequestRecord r;
  parse_server_timing(" queue;dur=1.2, prefill;desc=\"p\";dur=3.4, decode;dur=56.7, other;dur=9", r);
  REQUIRE(r.queue_ms == Approx(1.2));
  REQUIRE(r.prefill_ms == Approx(3.4));
  REQUIRE(r.decode_ms == Approx(56.7));
  RequestRecord empty;
  parse_server_timing("garbage;;dur=, queue", empty);
  REQUIRE(empty.queue_ms < 0);
}

TEST_CASE("error keys follow the taxonomy") {
  REQUIRE(error_key(ErrorKind::HttpStatus, 429) == "http_429");
  REQUIRE(error_key(ErrorKind::Connect, 0) == "connect");
  REQUIRE(error_key(ErrorKind::Timeout, 0) == "timeout");
  REQUIRE(error_key(ErrorKind::MalformedStream, 200) == "malformed_stream");
  REQUIRE(error_key(ErrorKind::Dropped, 0) == "dropped");
}
