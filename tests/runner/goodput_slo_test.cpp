#include <catch2/catch.hpp>

#include "runner/goodput_slo.h"

using namespace deploybench;
using namespace std::chrono_literals;

TEST_CASE("a scenario's SLOs become goodput's per-request bounds", "[runner][goodput]") {
  SECTION("no SLO: goodput is not measured") { CHECK_FALSE(runner::goodput_slo_of({}).has_value()); }
  SECTION("upper bounds on TTFT, TPOT and E2E bound each request; the tightest wins") {
    const std::vector<std::string> slo = {"p95(ttft) < 500ms", "p99(ttft) <= 800ms", "mean(tpot) < 40ms",
                                          "e2e_p50 < 2s",      "error_rate < 1%",    "throughput > 100"};
    const auto g = runner::goodput_slo_of(slo);
    REQUIRE(g.has_value());
    CHECK(g->ttft == Nanos{500ms});
    CHECK(g->tpot == Nanos{40ms});
    CHECK(g->e2e == Nanos{2s});
  }
  SECTION("cell-level SLOs only: every completed request is good") {
    const std::vector<std::string> slo = {"error_rate < 1%", "stddev(ttft) < 5ms", "p95(itl) < 10ms",
                                          "min(ttft) > 1ms"};
    const auto g = runner::goodput_slo_of(slo);
    REQUIRE(g.has_value());
    CHECK(g->empty());
  }
}
