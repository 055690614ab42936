#include "loadgen/metrics.h"

#include <catch2/catch.hpp>

#include "loadgen/load_generator.h"

using namespace deploybench;
using namespace deploybench::loadgen;
using namespace std::chrono_literals;

namespace {

RequestRecord streamed(Nanos scheduled, Nanos sent, Nanos first, Nanos done, int tokens) {
  RequestRecord r;
  r.scheduled = scheduled;
  r.sent = sent;
  r.first_token = first;
  r.done = done;
  r.output_tokens = tokens;
  r.measured = true;
  return r;
}

}  // namespace

TEST_CASE("TPOT is (E2E - TTFT) / (tokens - 1) per request") {
  const auto r = streamed(0ms, 0ms, 100ms, 1100ms, 11);
  REQUIRE(tpot_of(r) == 100ms);
  REQUIRE_FALSE(tpot_of(streamed(0ms, 0ms, 100ms, 100ms, 1)));
}

TEST_CASE("open loop measures from the schedule and keeps the service time") {
  MetricsAccumulator acc(true);
  acc.add(streamed(0ms, 50ms, 150ms, 250ms, 3));  // sent 50 ms late
  const auto m = acc.finish(1s);
  REQUIRE(m.ttft.p50 == 150ms);
  REQUIRE(m.e2e.p50 == 250ms);
  REQUIRE(m.service_time);
  REQUIRE(m.service_time->p50 == 200ms);
  REQUIRE(m.tpot.p50 == 50ms);
  REQUIRE(m.requests_per_s == 1.0);
  REQUIRE(m.output_tokens_per_s == 3.0);

  MetricsAccumulator closed(false);
  closed.add(streamed(50ms, 50ms, 150ms, 250ms, 3));
  const auto c = closed.finish(1s);
  REQUIRE(c.ttft.p50 == 100ms);
  REQUIRE_FALSE(c.service_time);
}

TEST_CASE("errors are counted by kind and excluded from latency") {
  MetricsAccumulator acc(false);
  auto e = streamed(0ms, 0ms, kNever, 5ms, 0);
  e.error = ErrorKind::HttpStatus;
  e.http_status = 503;
  acc.add(e);
  e.error = ErrorKind::Dropped;
  acc.add(e);
  acc.add(streamed(0ms, 0ms, 10ms, 20ms, 2));
  const auto m = acc.finish(2s);
  REQUIRE(m.requests == 3);
  REQUIRE(m.completed == 1);
  REQUIRE(m.errors == 2);
  REQUIRE(m.errors_by_kind.at("http_503") == 1);
  REQUIRE(m.errors_by_kind.at("dropped") == 1);
  REQUIRE(m.e2e.count == 1);
  REQUIRE(m.requests_per_s == 0.5);
}

TEST_CASE("goodput counts requests meeting every SLO") {
  GoodputSlo slo;
  slo.ttft = 100ms;
  slo.tpot = 20ms;
  MetricsAccumulator acc(false, slo);
  acc.add(streamed(0ms, 0ms, 50ms, 150ms, 6));   // ttft 50, tpot 20: good
  acc.add(streamed(0ms, 0ms, 150ms, 200ms, 6));  // ttft too slow
  acc.add(streamed(0ms, 0ms, 50ms, 550ms, 6));   // tpot 100: too slow
  const auto m = acc.finish(1s);
  REQUIRE(m.goodput_per_s);
  REQUIRE(*m.goodput_per_s == 1.0);
  MetricsAccumulator none(false);
  REQUIRE_FALSE(none.finish(1s).goodput_per_s);
}

TEST_CASE("validity flags drops, lag and a saturated generator with a recommendation") {
  stats::RunMetrics m;
  m.completed = 10;
  m.requests = 12;
  m.errors_by_kind["dropped"] = 2;
  GeneratorHealth g;
  g.lag.count = 100;
  g.lag.p99 = 50ms;
  g.max_thread_busy = 0.97;
  const auto v = check_validity(m, g, LoadConfig{}, ValidityLimits{});
  REQUIRE_FALSE(v.valid);
  REQUIRE(v.reasons.size() == 3);
  REQUIRE_THAT(v.reasons[0], Catch::Contains("dropped"));
  REQUIRE_THAT(v.reasons[1], Catch::Contains("lag"));
  REQUIRE_THAT(v.reasons[2], Catch::Contains("core"));
  g.lag.p99 = 1ms;
  g.max_thread_busy = 0.2;
  m.errors_by_kind.clear();
  REQUIRE(check_validity(m, g, LoadConfig{}, ValidityLimits{}).valid);
}
