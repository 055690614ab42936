#include "compare/threshold.h"

#include <catch2/catch.hpp>

using namespace deploybench;
using compare::parse_threshold;

TEST_CASE("absolute thresholds parse into canonical units", "[compare][threshold]") {
  auto t = parse_threshold("p95(ttft) < 500ms");
  REQUIRE(t.ok());
  CHECK(t->metric == "ttft_p95");
  CHECK(t->kind == compare::ThresholdKind::Absolute);
  CHECK(t->op == compare::Comparator::Less);
  CHECK(t->value == Approx(500));
  CHECK(parse_threshold("p99( e2e )<=1.5s")->value == Approx(1500));
  CHECK(parse_threshold("e2e_p99 <= 1.5s")->metric == "e2e_p99");
  CHECK(parse_threshold("error_rate < 1%")->value == Approx(1.0));
  CHECK(parse_threshold("error_rate < 0.02")->value == Approx(2.0));
  auto rate = parse_threshold("output_tokens_per_s >= 100");
  REQUIRE(rate.ok());
  CHECK(rate->op == compare::Comparator::GreaterEqual);
  CHECK(rate->value == 100);
  CHECK(parse_threshold("target_peak_rss_bytes < 512m")->value == Approx(512.0 * 1024 * 1024));
}

TEST_CASE("regression thresholds carry the allowed worsening", "[compare][threshold]") {
  auto t = parse_threshold("p95(ttft) regresses by more than 10%");
  REQUIRE(t.ok());
  CHECK(t->kind == compare::ThresholdKind::Regression);
  CHECK(t->max_regression == Approx(0.10));
  CHECK(t->direction == result::Direction::LowerIsBetter);
  CHECK(parse_threshold("output_tokens_per_s regresses by more than 5%")->direction ==
        result::Direction::HigherIsBetter);
}

TEST_CASE("scenario aliases name scalar metrics", "[compare][threshold]") {
  CHECK(parse_threshold("throughput regresses by more than 15%")->metric == "output_tokens_per_s");
  CHECK(parse_threshold("goodput > 2/s")->metric == "goodput_per_s");
  CHECK(parse_threshold("mean(tpot) regresses by more than 20%")->metric == "tpot_mean");
}

TEST_CASE("satisfies applies the comparator", "[compare][threshold]") {
  const auto t = parse_threshold("p95(ttft) < 500ms").value();
  CHECK(compare::satisfies(t, 499.9));
  CHECK_FALSE(compare::satisfies(t, 500));
  const auto ge = parse_threshold("requests_per_s >= 10").value();
  CHECK(compare::satisfies(ge, 10));
  CHECK_FALSE(compare::satisfies(ge, 9.99));
}

TEST_CASE("bad thresholds say what is wrong and how to fix it", "[compare][threshold]") {
  auto typo = parse_threshold("p95(tfft) < 500ms");
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.error().message == "threshold 'p95(tfft) < 500ms': unknown metric 'p95(tfft)'");
  // The suggestion is spelled as the user wrote the metric, and points at the docs, not at a source file.
  CHECK(typo.error().hint == "did you mean 'p95(ttft)'? scenarios/README.md lists the metrics");
  CHECK(parse_threshold("ttft_p59 < 500ms").error().hint ==
        "did you mean 'ttft_p50'? scenarios/README.md lists the metrics");
  auto no_unit = parse_threshold("p95(ttft) < 500");
  REQUIRE_FALSE(no_unit.ok());
  CHECK(no_unit.error().message == "threshold 'p95(ttft) < 500': '500' is not a valid value for ttft_p95");
  CHECK(no_unit.error().hint == "write a duration with a unit, e.g. 250ms or 1.5s");
  CHECK_FALSE(parse_threshold("p95(ttft) 500ms").ok());
  CHECK_FALSE(parse_threshold("").ok());
  CHECK_FALSE(parse_threshold("p95(ttft < 5ms").ok());
  CHECK_FALSE(parse_threshold("p95(ttft) regresses by more than ten").ok());
  CHECK_FALSE(parse_threshold("error_rate < 150%").ok());
}

TEST_CASE("p99.9 is the 99.9th percentile, as scenarios/README.md writes it", "[compare][threshold]") {
  CHECK(parse_threshold("p99.9(ttft) < 1s")->metric == "ttft_p999");
  CHECK(parse_threshold("p999(ttft) < 1s")->metric == "ttft_p999");
  CHECK(parse_threshold("e2e_p99.9 < 2s")->metric == "e2e_p999");
  CHECK(parse_threshold("p99.9(e2e) regresses by more than 10%")->metric == "e2e_p999");
  CHECK_FALSE(parse_threshold("p99.8(ttft) < 1s").ok());
}

TEST_CASE("check_threshold is parse_threshold's verdict", "[compare][threshold]") {
  CHECK(compare::check_threshold("p95(ttft) < 500ms").ok());
  CHECK(compare::check_threshold("p95(queue) regresses by more than 5%").ok());
  const auto bad = compare::check_threshold("p97(ttft) < 1s");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "threshold 'p97(ttft) < 1s': unknown metric 'p97(ttft)'");
  CHECK_FALSE(compare::check_threshold("error_rate < 150%").ok());
}
