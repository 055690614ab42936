// Integration tests for stopping rules, error taxonomy and outputs, on loopback servers.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "loadgen/load_generator.h"
#include "loadgen/load_test_support.h"
#include "loadgen/sse_test_server.h"
#include "loadgen/summary_json.h"

using namespace deploybench;
using namespace deploybench::loadgen;
using namespace std::chrono_literals;
using testing::by_count;
using testing::fast;
using testing::SseServerOptions;
using testing::SseTestServer;
using testing::tokens;

namespace {

Result<LoadResult> run(const std::string& url, const WorkloadConfig& w, const LoadConfig& l, RunOptions o = {}) {
  return run_load({url, "test-model", "", {}, true, {}}, w, l, o);
}

}  // namespace

TEST_CASE("a request count stops the run exactly and warmup is excluded", "[integration]") {
  SseTestServer server(fast());
  auto l = by_count(3, 17);
  l.warmup = 100ms;
  const auto r = run(server.base_url(), tokens(3), l);
  REQUIRE(r.ok());
  REQUIRE(r->metrics.requests == 17);
  REQUIRE(r->metrics.completed == 17);
  REQUIRE(r->warmup_requests > 0);
  REQUIRE(server.requests() == static_cast<int>(17 + r->warmup_requests));
}

TEST_CASE("HTTP status errors are counted by code with an example body", "[integration]") {
  auto o = fast();
  o.status = 429;
  SseTestServer server(o);
  const auto r = run(server.base_url(), tokens(3), by_count(2, 6));
  REQUIRE(r.ok());
  REQUIRE(r->metrics.errors == 6);
  REQUIRE(r->metrics.errors_by_kind.at("http_429") == 6);
  REQUIRE_THAT(r->error_examples.at("http_429"), Catch::Contains("test server refuses"));
  REQUIRE_FALSE(r->validity.valid);
}

TEST_CASE("connection failures, timeouts and malformed streams are classified", "[integration]") {
  SECTION("connect") {
    const auto r = run("http://127.0.0.1:" + std::to_string(testing::unused_port()), tokens(2), by_count(1, 3));
    REQUIRE(r.ok());
    REQUIRE(r->metrics.errors_by_kind.at("connect") == 3);
  }
  SECTION("timeout") {
    SseServerOptions o;
    o.first_token_delay = 2s;
    SseTestServer server(o);
    auto l = by_count(2, 2);
    l.request_timeout = 200ms;
    const auto r = run(server.base_url(), tokens(2), l);
    REQUIRE(r.ok());
    REQUIRE(r->metrics.errors_by_kind.at("timeout") == 2);
  }
  SECTION("malformed stream") {
    auto o = fast();
    o.malformed = true;
    SseTestServer server(o);
    const auto r = run(server.base_url(), tokens(2), by_count(1, 3));
    REQUIRE(r.ok());
    REQUIRE(r->metrics.errors_by_kind.at("malformed_stream") == 3);
    // The example is what the server sent, as for HTTP errors (not an empty string).
    REQUIRE_THAT(r->error_examples.at("malformed_stream"), Catch::Contains("data: {not json"));
  }
  SECTION("stream without [DONE]") {
    auto o = fast();
    o.omit_done = true;
    SseTestServer server(o);
    const auto r = run(server.base_url(), tokens(2), by_count(1, 2));
    REQUIRE(r.ok());
    REQUIRE(r->metrics.errors_by_kind.at("malformed_stream") == 2);
  }
}

TEST_CASE("non-streamed requests read usage and the Server-Timing header", "[integration]") {
  SseTestServer server(fast());
  auto w = tokens(5);
  w.stream = false;
  const auto r = run(server.base_url(), w, by_count(2, 6));
  REQUIRE(r.ok());
  REQUIRE(r->metrics.completed == 6);
  REQUIRE(r->metrics.output_tokens == 30);
  REQUIRE(r->metrics.ttft.count == 0);
  REQUIRE(r->metrics.prefill);
  REQUIRE(r->metrics.prefill->p50 == 1500us);
}

TEST_CASE("plain GETs, records JSONL and the JSON summary", "[integration]") {
  SseTestServer server(fast());
  const auto path = std::filesystem::temp_directory_path() / "deploybench_records_test.jsonl";
  RunOptions o;
  o.http_get = true;
  o.records_jsonl = path;
  o.keep_records = true;
  const auto r = run_load({server.base_url() + "/health", "", "", {}, true, {}}, tokens(1), by_count(4, 40), o);
  REQUIRE(r.ok());
  REQUIRE(r->metrics.completed == 40);
  REQUIRE(r->records.size() == 40);
  std::ifstream in(path);
  std::string line;
  int lines = 0;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    REQUIRE(j["status"] == 200);
    REQUIRE(j["error"] == "");
    REQUIRE(j["e2e_ms"].get<double>() > 0);
    ++lines;
  }
  REQUIRE(lines == 40);
  std::filesystem::remove(path);
  const auto summary = nlohmann::json::parse(summary_json(*r));
  REQUIRE(summary["completed"] == 40);
  REQUIRE(summary["requests_per_s"].get<double>() > 0);
  REQUIRE(summary.contains("e2e_ms"));
  REQUIRE(summary["e2e_ms"]["p99"].get<double>() > 0);
}

TEST_CASE("an open-loop Poisson run follows its schedule and discovers the model", "[integration]") {
  SseTestServer server(fast());
  LoadConfig l;
  OpenLoop p;
  p.rate_per_s = 100;
  l.pattern = p;
  l.warmup = 200ms;
  l.duration = 1s;
  RunOptions o;
  GoodputSlo slo;
  slo.ttft = 1s;
  o.slo = slo;
  const auto r = run_load({server.base_url(), "", "", {}, true, {}}, tokens(3), l, o);
  REQUIRE(r.ok());
  REQUIRE(r->model == "test-model");
  REQUIRE(r->metrics.requests > 60);  // about 100 expected
  REQUIRE(r->metrics.requests < 140);
  REQUIRE(r->metrics.errors == 0);
  REQUIRE(r->metrics.goodput_per_s);
  REQUIRE(*r->metrics.goodput_per_s == Approx(r->metrics.requests_per_s));
  REQUIRE(r->metrics.schedule_lag_p99_ms);
  REQUIRE(r->generator.lag.count == r->metrics.requests);
}

TEST_CASE("cancel abandons the run promptly", "[integration]") {
  SseServerOptions o;
  o.first_token_delay = 50ms;
  SseTestServer server(o);
  std::atomic<bool> cancel{true};
  RunOptions opts;
  opts.cancel = &cancel;
  LoadConfig l;
  l.pattern = ClosedLoop{2, Nanos{0}};
  l.duration = 30s;
  const auto start = SteadyClock::now();
  const auto r = run(server.base_url(), tokens(2), l, opts);
  REQUIRE(r.ok());
  REQUIRE(r->interrupted);
  REQUIRE_FALSE(r->validity.valid);
  REQUIRE(SteadyClock::now() - start < 5s);
}

TEST_CASE("a target that rejects every request is given up on, not hammered for the whole run", "[integration]") {
  auto o = fast();
  o.status = 400;
  SseTestServer server(o);
  LoadConfig l;
  l.pattern = ClosedLoop{4};
  l.warmup = 1s;
  l.duration = 60s;  // without giving up: a minute of failing requests
  RunOptions opts;
  opts.give_up_after_failures = 50;
  const auto r = run(server.base_url(), tokens(3), l, opts);
  REQUIRE(r.ok());
  CHECK_FALSE(r->interrupted);
  CHECK_THAT(r->failure, Catch::StartsWith("gave up after ") && Catch::Contains("requests, all failed") &&
                             Catch::Contains("http_400: ") && Catch::Contains("test server refuses"));
  CHECK_FALSE(r->validity.valid);
  CHECK(r->validity.reasons == std::vector<std::string>{r->failure});
  // The 50th failure stops the workers; only requests already in flight or being started (4 users)
  // follow it.
  // A minute of them would be hundreds of thousands.
  CHECK(server.requests() >= 50);
  CHECK(server.requests() <= 58);
}

TEST_CASE("a window in which no request succeeded is a failure even below the give-up count", "[integration]") {
  auto o = fast();
  o.status = 503;
  SseTestServer server(o);
  const auto r = run(server.base_url(), tokens(2), by_count(1, 5));
  REQUIRE(r.ok());
  CHECK(r->failure ==
        "none of the 5 requests succeeded; the first: http_503: "
        "{\"error\":{\"message\":\"test server refuses\"}}");
}

TEST_CASE("an error rate above 5% invalidates the cell by default; the limit can be lifted", "[integration]") {
  auto o = fast();
  o.status = 400;
  o.status_every = 2;  // every second request fails
  SseTestServer server(o);
  const auto r = run(server.base_url(), tokens(2), by_count(2, 20));
  REQUIRE(r.ok());
  CHECK(r->failure.empty());
  CHECK(r->metrics.completed > 0);
  CHECK(r->metrics.errors > 0);
  CHECK_FALSE(r->validity.valid);
  REQUIRE(r->validity.reasons.size() == 1);
  CHECK_THAT(r->validity.reasons[0], Catch::StartsWith("error rate ") &&
                                         Catch::Contains("% exceeds 5.00%: the latencies describe only the requests"));
  RunOptions lifted;
  lifted.limits.max_error_rate.reset();
  const auto again = run(server.base_url(), tokens(2), by_count(2, 20), lifted);
  REQUIRE(again.ok());
  CHECK(again->validity.valid);
}
