// The capacity sweep against a loopback server whose capacity is known: each request takes about
// 60 ms and the server serves 2 at a time, so it completes at most about 33 requests/s.
#include "loadgen/sweep.h"

#include <catch2/catch.hpp>

#include "loadgen/sse_test_server.h"

using namespace deploybench;
using namespace deploybench::loadgen;
using namespace std::chrono_literals;

TEST_CASE("sweep rates are spaced evenly up to the saturated rate", "[integration]") {
  REQUIRE(sweep_rates(10, 50, 4) == std::vector<double>{20, 30, 40, 50});
  REQUIRE(sweep_rates(10, 10, 2) == std::vector<double>{7.5, 10});
}

TEST_CASE("the capacity sweep finds the highest rate meeting the SLO", "[integration]") {
  testing::SseServerOptions o;
  o.first_token_delay = 30ms;
  o.token_interval = 10ms;
  o.threads = 2;  // the server's capacity: two requests at a time
  testing::SseTestServer server(o);
  WorkloadConfig w;
  w.input_tokens = FixedLength{4};
  w.max_tokens = 4;
  LoadConfig base;
  base.warmup = 100ms;
  base.duration = 1s;
  CapacitySweepConfig c;
  c.rates = 3;
  c.saturation_concurrency = 6;
  c.arrival = Arrival::Constant;
  RunOptions opts;
  opts.limits.drops_invalidate = false;
  const auto slo = [](const LoadResult& r) { return r.metrics.ttft.p99 < 200ms; };
  const auto r = capacity_sweep({server.base_url(), "test-model", "", {}, true, {}}, w, base, c, slo, opts);
  REQUIRE(r.ok());
  REQUIRE(r->levels.size() == 5);
  REQUIRE(r->levels[0].label == "c1");
  INFO("synchronous " << r->synchronous_rate << "/s, saturated " << r->saturated_rate << "/s");
  CHECK(r->synchronous_rate == Approx(16).margin(5));  // 1 / 60 ms
  CHECK(r->saturated_rate == Approx(33).margin(10));
  REQUIRE(r->best_rate);
  REQUIRE(r->best_level);
  CHECK(*r->best_rate <= r->saturated_rate);
  CHECK(r->levels[*r->best_level].result.metrics.ttft.p99 < 200ms);
  for (std::size_t i = 2; i < r->levels.size(); ++i) {  // no higher rate met the SLO
    const auto& level = r->levels[i];
    if (std::get<OpenLoop>(level.pattern).rate_per_s > *r->best_rate)
      CHECK_FALSE((level.result.validity.valid && slo(level.result)));
  }
}
