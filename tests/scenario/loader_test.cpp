#include "scenario/loader.h"

#include <catch2/catch.hpp>

#include "scenario/render.h"

using namespace deploybench;
using namespace deploybench::scenario;

namespace {

const std::filesystem::path kScenarios = std::filesystem::path(DEPLOYBENCH_SOURCE_DIR) / "scenarios";

}  // namespace

TEST_CASE("quickstart expands to two local cells in one deployment", "[scenario][loader]") {
  std::vector<Diagnostic> diagnostics;
  auto plan = load_plan(kScenarios / "quickstart.yaml", Environment::from_map({}), &diagnostics);
  INFO((diagnostics.empty() ? std::string() : format_diagnostic(diagnostics.front())));
  REQUIRE(plan.ok());
  REQUIRE(plan->cells.size() == 2);
  CHECK(plan->deployments == 1);
  CHECK(plan->name == "quickstart");
  CHECK(plan->cells[0].id == "local/tiny-int8/chat/closed/c1/r1");
  CHECK(plan->cells[1].id == "local/tiny-int8/chat/closed/c4/r1");
  const Cell& c4 = plan->cells[1];
  CHECK(std::holds_alternative<target::LocalConfig>(c4.target.kind));
  CHECK(c4.target.model.preset == "tiny");
  CHECK(c4.target.model.precision == "int8");
  CHECK(c4.workload.stream);
  CHECK(c4.workload.max_tokens == 32);
  REQUIRE(std::holds_alternative<loadgen::ClosedLoop>(c4.load.pattern));
  CHECK(std::get<loadgen::ClosedLoop>(c4.load.pattern).concurrency == 4);
  CHECK(c4.load.warmup == std::chrono::seconds(1));
  CHECK(c4.axes.at("concurrency") == "4");
  CHECK(plan->estimated_duration < std::chrono::minutes(1));
  CHECK(plan->sha256.size() == 64);
}
