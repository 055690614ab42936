#include "result/result_json.h"

#include <catch2/catch.hpp>

#include "result/golden.h"
#include "result/sample_results.h"

using namespace deploybench;

TEST_CASE("results.json round-trips every field", "[result][json]") {
  const auto original = testing::sample_results();
  const std::string text = result::to_json(original);
  auto parsed = result::from_json(text, "mem.json");
  REQUIRE(parsed.ok());
  // Re-serialising the parsed set gives the same bytes, so no field is dropped or altered.
  CHECK(result::to_json(*parsed) == text);
  const auto& c = parsed->cells.at(3);
  CHECK(c.cell_id == original.cells[3].cell_id);
  CHECK(c.metrics.ttft.p95 == original.cells[3].metrics.ttft.p95);
  CHECK(c.metrics.queue.has_value());
  CHECK(c.validity.valid == false);
  CHECK(c.validity.reasons.size() == 1);
  CHECK(c.resources.size() == 11);
  CHECK(c.settings.front().first == "load");
  CHECK(parsed->manifest.memory_bytes == 24ull << 30);
  REQUIRE(parsed->cells.at(1).error_examples.size() == 1);
  CHECK(parsed->cells.at(1).error_examples.at("http_429") == original.cells[1].error_examples.at("http_429"));
}

TEST_CASE("results.json matches its golden file", "[result][json][golden]") {
  testing::check_golden("results.json", result::to_json(testing::sample_results()));
}

TEST_CASE("from_json keeps the version alone when an old file carried the revision in it too", "[result][json]") {
  auto legacy = testing::sample_results();
  legacy.manifest.tool_version = "0.1.0 (git cb3c20d8d54c)";
  SECTION("the revision is also in git_revision") {
    legacy.manifest.git_revision = "cb3c20d8d54c";
    auto parsed = result::from_json(result::to_json(legacy), "old.json");
    REQUIRE(parsed.ok());
    CHECK(parsed->manifest.tool_version == "0.1.0");
    CHECK(parsed->manifest.git_revision == "cb3c20d8d54c");
  }
  SECTION("only in tool_version") {
    legacy.manifest.git_revision.clear();
    auto parsed = result::from_json(result::to_json(legacy), "old.json");
    REQUIRE(parsed.ok());
    CHECK(parsed->manifest.tool_version == "0.1.0");
    CHECK(parsed->manifest.git_revision == "cb3c20d8d54c");
  }
}

TEST_CASE("from_json names the file and the field that is wrong", "[result][json]") {
  auto j = result::to_json(testing::sample_results());
  SECTION("wrong type") {
    const auto pos = j.find("\"p95_ms\"");
    const auto end = j.find(',', pos);
    j.replace(pos, end - pos, "\"p95_ms\": \"fast\"");
    auto r = result::from_json(j, "base.json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "base.json: cells[0].metrics.ttft.p95_ms: expected a number, found string");
  }
  SECTION("missing field") {
    const auto pos = j.find("\"cell_id\"");
    j.replace(pos, 9, "\"cell_idx\"");
    auto r = result::from_json(j, "base.json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "base.json: cells[0].cell_id: missing required field");
  }
  SECTION("truncated") {
    auto r = result::from_json("{\"schema_version\": 1,", "trunc.json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message ==
          "trunc.json: ends early, after 21 bytes, in the middle of the JSON: truncated, or still being written? It is "
          "not a complete results file");
    CHECK_THAT(r.error().hint, Catch::Contains("copy it again"));
  }
  SECTION("empty") {
    auto r = result::from_json(" \n", "empty.json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "empty.json: is empty, not a results file");
  }
  SECTION("not JSON") {
    auto r = result::from_json("{\"schema_version\": 1,]\n", "bad.json");
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message,
               Catch::StartsWith("bad.json: not valid JSON: parse error at line 1, column 22: syntax error"));
    CHECK(r.error().hint == "is this a deploybench results.json file?");
  }
  SECTION("future schema") {
    j.replace(j.find("\"schema_version\": 1"), 19, "\"schema_version\": 7");
    auto r = result::from_json(j, "new.json");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "new.json: schema_version: unsupported version 7 (this build reads 1)");
  }
}

TEST_CASE("from_json calls every truncation of a valid file truncated, without crashing", "[result][json]") {
  const auto text = result::to_json(testing::sample_results());
  for (std::size_t len = 0; len + 1 < text.size(); len += 97) {
    auto r = result::from_json(std::string_view(text).substr(0, len), "cut.json");
    REQUIRE_FALSE(r.ok());
    INFO(len << ": " << r.error().message);
    CHECK_THAT(r.error().message, Catch::StartsWith(len == 0 ? "cut.json: is empty" : "cut.json: ends early, after "));
  }
}

TEST_CASE("from_json reports wrong container types by path", "[result][json]") {
  auto j = result::to_json(testing::sample_results());
  const auto pos = j.find("\"reasons\": [");
  REQUIRE(pos != std::string::npos);
  j.replace(pos, 12, "\"reasons\": {\"a\": 1}, \"x\": [");
  auto r = result::from_json(j, "odd.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "odd.json: cells[0].validity.reasons: expected an array of strings");
  auto not_object = result::from_json("[1, 2]", "arr.json");
  REQUIRE_FALSE(not_object.ok());
  CHECK(not_object.error().message == "arr.json: top level: expected an object, found array");
}
