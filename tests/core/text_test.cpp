#include "core/text.h"

#include <catch2/catch.hpp>

#include "core/yaml_text.h"

using namespace deploybench;

TEST_CASE("edit distance and did-you-mean", "[core][text]") {
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
  const std::vector<std::string> keys{"targets", "workloads", "matrix", "repeat"};
  CHECK(closest_match("taregts", keys).value() == "targets");
  CHECK(closest_match("workload", keys).value() == "workloads");
  CHECK_FALSE(closest_match("zzzzzzzz", keys).has_value());
}

TEST_CASE("an unknown command is named, with a near miss", "[core]") {
  const std::vector<std::string> commands{"serve", "bench", "export"};
  CHECK(unknown_command("refbot", "bnech", commands).value() ==
        "refbot: unknown command 'bnech' (did you mean 'bench'?); see refbot --help");
  CHECK(unknown_command("refbot", "zzzzzzzz", commands).value() ==
        "refbot: unknown command 'zzzzzzzz'; see refbot --help");
  CHECK_FALSE(unknown_command("refbot", "bench", commands).has_value());
  CHECK_FALSE(unknown_command("refbot", "--help", commands).has_value());
}

TEST_CASE("split and join round-trip", "[core][text]") {
  const auto parts = split("a,,b", ',');
  REQUIRE(parts.size() == 3);
  CHECK(parts[1].empty());
  CHECK(join(parts, ",") == "a,,b");
}

TEST_CASE("brackets in plain scalars, quotes, comments and block scalars open nothing", "[core]") {
  for (const char* text : {
           "description: see [docs and {more\n",
           "description: 'a [b' # and [c\n",
           "description: \"x {y\"\n",
           "system_prompt: |\n  {\"json\": [1,\n  and more [\nname: x\n",
           "items:\n  - >-\n    [folded\n  - [a, 'b]', \"c]\"]\n",
           "m: {a: [1, 2], b: {c: d}}  # }\n",
       }) {
    INFO(text);
    CHECK_FALSE(unclosed_flow(text).has_value());
  }
  CHECK(unclosed_flow("a: [1, {b: 2}\n").value() == 3);
  CHECK(unclosed_flow("c: {concurrency: [1, 4}}\n").value() == 17);  // the '[', not the '}' after it
  CHECK(unclosed_flow("a:\n  - [x,\n     y\n").value() == 7);
}
