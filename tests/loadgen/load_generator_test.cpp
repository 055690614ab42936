// Integration tests: the real generator (curl multi, real sockets) against a loopback server
// with a known delay per token. Timing bands are generous: two shared cores.
#include "loadgen/load_generator.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "loadgen/sse_test_server.h"

using namespace deploybench;
using namespace deploybench::loadgen;
using namespace std::chrono_literals;
using testing::SseServerOptions;
using testing::SseTestServer;

namespace {

WorkloadConfig small_workload(int tokens) {
  WorkloadConfig w;
  w.input_tokens = FixedLength{8};
  w.max_tokens = tokens;
  return w;
}

LoadConfig closed(int concurrency, Nanos warmup, Nanos duration) {
  LoadConfig l;
  l.pattern = ClosedLoop{concurrency, Nanos{0}};
  l.warmup = warmup;
  l.duration = duration;
  return l;
}

double ms(Nanos d) { return to_millis(d); }

}  // namespace

TEST_CASE("closed loop: TTFT and ITL medians land near the server's known delays", "[integration]") {
  SseServerOptions o;
  o.first_token_delay = 30ms;
  o.token_interval = 10ms;
  SseTestServer server(o);
  auto r = run_load({server.base_url(), "", "", {}, true, {}}, small_workload(8), closed(2, 200ms, 1500ms), {});
  REQUIRE(r.ok());
  const auto& m = r->metrics;
  REQUIRE(r->model == "test-model");
  REQUIRE(m.errors == 0);
  REQUIRE(m.completed >= 4);
  REQUIRE(m.output_tokens == m.completed * 8);
  CHECK(ms(m.ttft.p50) >= 29.0);
  CHECK(ms(m.ttft.p50) < 60.0);
  CHECK(ms(m.itl.p50) >= 8.0);
  CHECK(ms(m.itl.p50) < 16.0);
  CHECK(ms(m.tpot.p50) >= 9.0);
  CHECK(ms(m.tpot.p50) < 16.0);
  CHECK(ms(m.e2e.p50) >= 100.0);  // 30 + 7 * 10
  CHECK(m.itl.count == m.completed * 7);
  REQUIRE(m.queue);
  CHECK(m.queue->p50 == 500us);
  REQUIRE(m.first_byte);
  CHECK_FALSE(m.service_time);  // closed loop: service time is the E2E
  REQUIRE(r->cold_ttft_ms);
  CHECK(*r->cold_ttft_ms >= 29.0);
  CHECK(r->warmup_requests >= 2);
  CHECK(r->generator.threads == 1);
  CHECK(r->generator.cpu_seconds > 0);
  CHECK(r->generator.lag.count == m.requests);
}

TEST_CASE("open-loop overload: corrected latency grows, service time does not, drops are counted", "[integration]") {
  SseServerOptions o;
  o.first_token_delay = 40ms;
  o.token_interval = 10ms;  // 4 tokens: about 70 ms per request
  SseTestServer server(o);
  LoadConfig l;
  l.warmup = 0s;
  l.duration = 1500ms;
  auto run = [&](double rate) {
    OpenLoop p;
    p.rate_per_s = rate;
    p.arrival = Arrival::Constant;
    p.connections = 2;  // capacity about 2 / 70 ms = 28 requests/s
    p.max_in_flight = 12;
    l.pattern = p;
    auto r = run_load({server.base_url(), "test-model", "", {}, true, {}}, small_workload(4), l, {});
    REQUIRE(r.ok());
    return std::move(r).value();
  };
  const auto light = run(10);
  const auto heavy = run(80);
  REQUIRE(light.metrics.service_time);
  REQUIRE(heavy.metrics.service_time);
  const double light_service = ms(light.metrics.service_time->p50);
  const double heavy_service = ms(heavy.metrics.service_time->p50);
  INFO("light e2e p50 " << ms(light.metrics.e2e.p50) << " service p50 " << light_service);
  INFO("heavy e2e p50 " << ms(heavy.metrics.e2e.p50) << " p99 " << ms(heavy.metrics.e2e.p99) << " service p50 "
                        << heavy_service);
  CHECK(light.metrics.errors == 0);
  CHECK(ms(light.metrics.e2e.p50) < light_service * 1.5);
  CHECK(heavy_service < light_service * 1.5);              // the server is not slower per request
  CHECK(ms(heavy.metrics.e2e.p99) > heavy_service * 3.0);  // but requests waited for a connection
  CHECK(heavy.metrics.errors_by_kind.count("dropped") == 1);
  CHECK(heavy.metrics.errors_by_kind.at("dropped") > 0);
  CHECK_FALSE(heavy.validity.valid);
  CHECK(light.metrics.errors_by_kind.count("dropped") == 0);
}
