#include "openai/sse.h"

#include <catch2/catch.hpp>
#include <vector>

using namespace deploybench::openai;

TEST_CASE("events split anywhere decode the same", "[openai][sse]") {
  const std::string stream =
      sse_data("{\"a\":1}") + ": comment\r\n" + "event: x\r\ndata: two\r\ndata: lines\r\n\r\n" + std::string(kSseDone);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    std::vector<std::pair<std::string, std::string>> events;
    SseDecoder d([&](std::string_view name, std::string_view data) { events.emplace_back(name, data); });
    d.feed(std::string_view(stream).substr(0, cut));
    d.feed(std::string_view(stream).substr(cut));
    REQUIRE(events.size() == 3);
    CHECK(events[0].second == "{\"a\":1}");
    CHECK(events[1] == std::pair<std::string, std::string>{"x", "two\nlines"});
    CHECK(events[2].second == "[DONE]");
    CHECK(d.finish_clean());
  }
}

TEST_CASE("an over-long line marks the stream malformed", "[openai][sse]") {
  int n = 0;
  SseDecoder d([&](std::string_view, std::string_view) { ++n; }, 8);
  d.feed("data: 0123456789\n\n");
  CHECK(d.malformed());
  CHECK(n == 0);
}
