#include "compare/gate.h"

#include <unistd.h>

#include <catch2/catch.hpp>

#include "compare/gate_output.h"
#include "compare/synthetic.h"
#include "result/golden.h"
#include "result/result_json.h"

using namespace deploybench;

namespace {
compare::GatePolicy policy_of(std::initializer_list<const char*> exprs) {
  std::vector<std::string> v(exprs.begin(), exprs.end());
  return compare::GatePolicy{compare::parse_thresholds(v).value(), 0.05};
}
}  // namespace

TEST_CASE("SLOs are checked on every cell", "[compare][gate]") {
  auto results = testing::sample_results();
  results.cells.back().validity = {};  // podman c4, valid here (the next test has it invalid)
  const std::vector<std::string> ok = {"p95(ttft) < 100ms", "error_rate < 5%"};
  auto pass = compare::evaluate_slos(results, ok);
  REQUIRE(pass.ok());
  CHECK(pass->passed());
  CHECK(pass->checks.size() == 8);
  const std::vector<std::string> tight = {"p95(ttft) < 50ms"};
  auto fail = compare::evaluate_slos(results, tight);
  REQUIRE(fail.ok());
  CHECK(fail->failures() == 1);  // only podman c4 (55.4 ms) is over
  const std::vector<std::string> regression = {"p95(ttft) regresses by more than 10%"};
  CHECK_FALSE(compare::evaluate_slos(results, regression).ok());
  const std::vector<std::string> malformed = {"p95(ttft) <"};
  CHECK_FALSE(compare::evaluate_slos(results, malformed).ok());
}

TEST_CASE("a failed, invalid or unmeasured cell fails an SLO", "[compare][gate]") {
  auto results = testing::sample_results();  // podman c4, the last cell, is invalid
  results.cells[0].error = "deploy failed";
  results.cells[1].metrics.queue.reset();
  const std::vector<std::string> slo = {"p95(queue) < 1s"};
  auto v = compare::evaluate_slos(results, slo);
  REQUIRE(v.ok());
  CHECK(v->failures() == 3);
  CHECK(v->checks.back().outcome == compare::CheckOutcome::Fail);
  CHECK_THAT(v->checks.back().detail, Catch::StartsWith("cell is invalid, so its numbers cannot show the threshold "
                                                        "holds: 1 request timed out"));
}

TEST_CASE("gate leaves capacity-sweep steps to their sweep and names invalid cells it leaves out", "[compare][gate]") {
  auto base = testing::synthetic_run(5, 1.0, 0.03, 21);
  auto cont = testing::synthetic_run(5, 1.0, 0.03, 22);
  cont.cells[1].validity = {false, {"the generator saturated: raise threads"}};
  auto step = cont.cells[0];
  step.cell_id = "local/tiny-int8/chat/sweep-8/r1";
  step.axes["load"] = "sweep-8";
  step.settings.push_back({"load.sweep_step", "3"});
  step.metrics.ttft = testing::scaled(step.metrics.ttft, 100.0);  // far over any SLO: a step past capacity
  cont.cells.push_back(step);
  const auto v = compare::evaluate_gate(base, cont, policy_of({"p95(ttft) regresses by more than 50%"}));
  CHECK(v.passed());
  CHECK(std::count_if(v.warnings.begin(), v.warnings.end(), [](const auto& w) {
          return w.find(
                     "left out of the regression checks: contender local/tiny-int8/chat/c1 #2: invalid: the "
                     "generator saturated") != std::string::npos;
        }) == 1);
  CHECK(v.conditions.empty());  // same host and build
  auto moved = cont;
  moved.manifest.host_name = "ci-runner-7";
  const auto elsewhere = compare::evaluate_gate(base, moved, policy_of({"p95(ttft) regresses by more than 50%"}));
  REQUIRE(elsewhere.conditions.size() == 1);
  CHECK_THAT(compare::render_verdict_text(elsewhere, "gate"), Catch::Contains("  host: bench-1 -> ci-runner-7\n"));
  CHECK(compare::evaluate_gate(base, moved, policy_of({"p95(ttft) < 10s"})).conditions.empty());  // absolute only
  const auto abs = compare::evaluate_gate(base, cont, policy_of({"p95(ttft) < 10s"}));
  CHECK(abs.checks.size() == 5);  // the 5 repetitions, not the sweep step
  CHECK(abs.failures() == 1);     // the invalid repetition
  CHECK(std::any_of(abs.warnings.begin(), abs.warnings.end(), [](const auto& w) {
    return w.rfind("1 capacity-sweep step(s) not held to the absolute thresholds", 0) == 0;
  }));
}

TEST_CASE("gate: significant regression beyond the limit fails, noise does not", "[compare][gate]") {
  const auto base = testing::synthetic_run(10, 1.0, 0.03, 11);
  const auto policy = policy_of({"p95(ttft) regresses by more than 10%"});
  SECTION("a 25% regression fails") {
    auto v = compare::evaluate_gate(base, testing::synthetic_run(10, 1.25, 0.03, 12), policy);
    CHECK_FALSE(v.passed());
    CHECK(v.checks.at(0).detail.rfind("significant regression: ttft_p95 +", 0) == 0);
  }
  SECTION("a significant 3% regression is within the limit") {
    CHECK(compare::evaluate_gate(base, testing::synthetic_run(10, 1.03, 0.005, 13), policy).passed());
  }
  SECTION("a large but insignificant change passes with a note") {
    auto v = compare::evaluate_gate(testing::synthetic_run(3, 1.0, 0.03, 14), testing::synthetic_run(3, 1.3, 0.03, 15),
                                    policy);
    CHECK(v.passed());
    CHECK(v.checks.at(0).detail.rfind("exceeds the limit but is not significant", 0) == 0);
    CHECK_FALSE(v.warnings.empty());
  }
  SECTION("an improvement passes") {
    CHECK(compare::evaluate_gate(base, testing::synthetic_run(10, 0.7, 0.03, 16), policy).passed());
  }
  SECTION("throughput regresses when it drops") {
    auto v = compare::evaluate_gate(base, testing::synthetic_run(10, 1.25, 0.03, 17),
                                    policy_of({"output_tokens_per_s regresses by more than 10%"}));
    CHECK_FALSE(v.passed());
  }
  SECTION("nothing to compare fails") {
    auto other = testing::synthetic_run(10, 1.0, 0.03, 18);
    for (auto& c : other.cells) c.axes["workload"] = "long";
    auto v = compare::evaluate_gate(base, other, policy);
    CHECK_FALSE(v.passed());
    CHECK(v.warnings.size() == 2);
  }
}

TEST_CASE("apply_gate runs a scenario's gate section against a baseline file", "[compare][gate]") {
  const auto dir = std::filesystem::temp_directory_path() / ("deploybench-apply-gate-" + std::to_string(::getpid()));
  const auto base_file = (dir / "baseline.json").string();
  REQUIRE(write_file_atomic(base_file, result::to_json(testing::synthetic_run(10, 1.0, 0.03, 51))).ok());
  const std::vector<std::pair<std::string, double>> spec = {{"p95(ttft)", 0.25}, {"throughput", 0.15}};
  const auto exprs = compare::regression_expressions(spec);
  CHECK(exprs ==
        std::vector<std::string>{"p95(ttft) regresses by more than 25%", "throughput regresses by more than 15%"});
  auto same = compare::apply_gate(testing::synthetic_run(10, 1.0, 0.03, 52), base_file, exprs);
  REQUIRE(same.ok());
  CHECK(same->passed());
  auto slower = compare::apply_gate(testing::synthetic_run(10, 1.5, 0.03, 53), base_file, exprs);
  REQUIRE(slower.ok());
  CHECK(slower->failures() == 2);
  // A baseline that does not exist is an error (it must not pass CI silently).
  auto missing = compare::apply_gate(testing::synthetic_run(10, 1.0, 0.03, 54), (dir / "nope.json").string(), exprs);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::NotFound);
  CHECK(missing.error().message.find("gate: no results at '" + (dir / "nope.json").string() + "'") == 0);
  // A baseline that exists but is not results is still a harness error.
  REQUIRE(write_file_atomic((dir / "garbage.json").string(), "not json").ok());
  CHECK_FALSE(
      compare::apply_gate(testing::synthetic_run(10, 1.0, 0.03, 55), (dir / "garbage.json").string(), exprs).ok());
  std::filesystem::remove_all(dir);
}

TEST_CASE("gate policy files are validated with file:line", "[compare][gate]") {
  auto p = compare::parse_gate_policy("thresholds:\n  - \"p95(e2e) < 300ms\"\n  - error_rate < 1%\nalpha: 0.01\n",
                                      "policy.yaml");
  REQUIRE(p.ok());
  CHECK(p->thresholds.size() == 2);
  CHECK(p->alpha == 0.01);
  auto bad = compare::parse_gate_policy("thresholds:\n  - \"p95(e2e) < 300\"\n", "policy.yaml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.rfind("policy.yaml:2:5: threshold 'p95(e2e) < 300'", 0) == 0);
  auto typo = compare::parse_gate_policy("threshold:\n  - error_rate < 1%\n", "policy.yaml");
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.error().message == "policy.yaml:1:1: unknown key 'threshold'");
  CHECK(typo.error().hint == "did you mean 'thresholds'?");
  CHECK_FALSE(compare::parse_gate_policy("alpha: 0.05\n", "p.yaml").ok());
  CHECK_FALSE(compare::parse_gate_policy("thresholds: [\n", "p.yaml").ok());
  // A flow left open never reaches yaml-cpp (which can loop allocating on it); the bracket is named.
  auto open = compare::parse_gate_policy("thresholds: {a: [\"error_rate < 1%\"]\n# the team's gate\n", "p.yaml");
  REQUIRE_FALSE(open.ok());
  CHECK(open.error().message == "p.yaml:1:13: this '{' is never closed");
  auto twice =
      compare::parse_gate_policy("thresholds:\n  - error_rate < 1%\nthresholds:\n  - p95(e2e) < 1s\n", "p.yaml");
  REQUIRE_FALSE(twice.ok());  // yaml-cpp would keep one of the two lists silently
  CHECK(twice.error().message == "p.yaml:3:1: duplicate key 'thresholds'");
  CHECK(twice.error().hint == "'thresholds' is already set on line 1; keep one");
  auto empty = compare::parse_gate_policy("thresholds:\n  - error_rate < 1%\n  -\n", "p.yaml");
  REQUIRE_FALSE(empty.ok());  // was reported at 4:1, past the end of the file
  CHECK(empty.error().message == "p.yaml:1:1: thresholds: a list item is empty");
}

TEST_CASE("gate verdict renderings match their golden files", "[compare][gate][golden]") {
  const auto base = testing::synthetic_run(10, 1.0, 0.03, 21);
  const auto cont = testing::synthetic_run(10, 1.25, 0.03, 22);
  const auto v = compare::evaluate_gate(
      base, cont, policy_of({"p95(ttft) regresses by more than 10%", "error_rate < 1%", "p50(e2e) < 1s"}));
  testing::check_golden("gate-verdict.txt", compare::render_verdict_text(v, "deploybench gate"));
  testing::check_golden("gate-junit.xml", compare::render_junit(v, "deploybench gate"));
  testing::check_golden("gate-step-summary.md", compare::render_step_summary(v, "deploybench gate"));
  compare::CompareOptions o;
  const auto cmp = compare::compare(base, cont, o);
  testing::check_golden("compare.txt", compare::render_comparison_text(cmp));
  testing::check_golden("compare.md", compare::render_comparison_markdown(cmp));
}
