// Text output: diagnostics and the plan that `deploybench validate` prints.
#include <catch2/catch.hpp>

#include "test_util.h"

using namespace deploybench;
using namespace deploybench::scenario;
using namespace deploybench::scenario::testing;

TEST_CASE("format_diagnostic writes file:line:col: path: message (hint)", "[scenario][render]") {
  CHECK(format_diagnostic(
            Diagnostic{"targets.vm.memory", "32m is out of range", "use a value from 64m to 64g", "s.yaml", 5, 13}) ==
        "s.yaml:5:13: targets.vm.memory: 32m is out of range (use a value from 64m to 64g)");
  CHECK(format_diagnostic(Diagnostic{"", "the file is empty", "", "e.yaml", 1, 1}) == "e.yaml:1:1: the file is empty");
  CHECK(format_diagnostic(Diagnostic{"", "cannot read", "", "", 0, 0}) == "cannot read");
}

TEST_CASE("human_duration rounds to whole seconds", "[scenario][render]") {
  using namespace std::chrono_literals;
  CHECK(human_duration(14s) == "14s");
  CHECK(human_duration(200s) == "3m 20s");
  CHECK(human_duration(3900s) == "1h 05m");
  CHECK(human_duration(1499ms) == "1s");
}

TEST_CASE("the rendered plan lists deployments, cells, settings and the estimate", "[scenario][render]") {
  const Loaded loaded = load_file(kScenarios / "quickstart.yaml");
  REQUIRE(loaded.plan.ok());
  const std::string text = render_plan(*loaded.plan);
  CHECK_THAT(text, Catch::Contains("scenario quickstart"));
  CHECK_THAT(text, Catch::Contains("plan: 2 cells in 1 deployment;"));
  CHECK_THAT(text, Catch::Contains("estimated duration: 14s (deploys 2s, warmups 2s, measured 10s)"));
  CHECK_THAT(text, Catch::Contains("slo: p95(ttft) < 500ms; error_rate < 1%"));
  CHECK_THAT(text, Catch::Contains("deployment 1/1: target local (local), model tiny-int8, repetition 1"));
  CHECK_THAT(text, Catch::Contains("cell   2  local/tiny-int8/chat/closed/c4/r1"));
  CHECK_THAT(text, Catch::Contains("load.concurrency=4"));
  CHECK_THAT(text, Catch::Contains("model.precision=int8"));
}
