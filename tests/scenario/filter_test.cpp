// --only filters over the plan's axes.
#include "scenario/filter.h"

#include <catch2/catch.hpp>

#include "test_util.h"

using namespace deploybench;
using namespace deploybench::scenario;
using namespace deploybench::scenario::testing;

namespace {

RunPlan sample_plan() {
  Loaded loaded = load_text(R"(name: filter
repeat: 2
targets: {local: {}, box: {kind: container}}
models:
  int8: {precision: int8}
  fp32: {precision: fp32}
loads: {closed: {closed: {concurrency: [1, 4]}}}
)");
  INFO(loaded.text());
  REQUIRE(loaded.plan.ok());
  return std::move(loaded.plan).value();
}

}  // namespace

TEST_CASE("parse_only reads terms and alternatives", "[scenario][filter]") {
  auto only = parse_only("target=local|box,precision=int8,precision=fp32");
  REQUIRE(only.ok());
  REQUIRE(only->terms.size() == 2);
  CHECK(only->terms[0].first == "target");
  CHECK(only->terms[0].second == std::vector<std::string>{"local", "box"});
  CHECK(only->terms[1].second == std::vector<std::string>{"int8", "fp32"});
  CHECK_FALSE(parse_only("target").ok());
  CHECK_FALSE(parse_only("=local").ok());
  CHECK_FALSE(parse_only("target=").ok());
}

TEST_CASE("filter keeps matching cells and recounts deployments", "[scenario][filter]") {
  const RunPlan plan = sample_plan();
  REQUIRE(plan.cells.size() == 16);
  REQUIRE(plan.deployments == 8);
  auto only = filter(plan, *parse_only("target=local,precision=int8"));
  REQUIRE(only.ok());
  CHECK(only->cells.size() == 4);
  CHECK(only->deployments == 2);
  for (const auto& c : only->cells) {
    CHECK(c.axes.at("target") == "local");
    CHECK(c.axes.at("precision") == "int8");
  }
  CHECK(only->estimated_duration < plan.estimated_duration);
  auto kinds = filter(plan, *parse_only("kind=container,concurrency=4"));
  REQUIRE(kinds.ok());
  CHECK(kinds->cells.size() == 4);
}

TEST_CASE("filter errors suggest the axis or value meant", "[scenario][filter]") {
  const RunPlan plan = sample_plan();
  auto axis = filter(plan, *parse_only("taget=local"));
  REQUIRE_FALSE(axis.ok());
  CHECK_THAT(axis.error().hint, Catch::Contains("did you mean 'target'?"));
  auto value = filter(plan, *parse_only("precision=int4"));
  REQUIRE_FALSE(value.ok());
  CHECK_THAT(value.error().hint, Catch::Contains("did you mean 'int8'?"));
}
