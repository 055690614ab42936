#include "report/overhead.h"

#include <catch2/catch.hpp>

#include "report/svg.h"
#include "result/sample_results.h"

using namespace deploybench;

TEST_CASE("overhead splits the container's extra latency into its parts", "[report][overhead]") {
  // sample_cell adds 4 ms of network, 0.5 ms of queueing and 1 ms of client time to the container.
  const auto rows = report::attribute_overhead(testing::sample_results());
  REQUIRE(rows.size() == 12);  // 2 container cells x {ttft, e2e} x {mean, p50, p95}
  const auto& mean = rows[0];
  CHECK(mean.metric == "ttft_mean");
  CHECK(report::is_additive(mean));
  CHECK(mean.total_ms == Approx(5.5 * 1.1));  // sample means are 1.1 x the median
  CHECK(mean.rest_ms == Approx(1.1));
  const auto& ttft = rows[1];
  CHECK_FALSE(report::is_additive(ttft));
  CHECK(ttft.metric == "ttft_p50");
  CHECK(ttft.baseline == "local/tiny-int8/chat/c1");
  CHECK(ttft.deployment == "podman/tiny-int8/chat/c1");
  CHECK(ttft.total_ms == Approx(5.5));
  CHECK(ttft.components[0].name == "network");
  CHECK(*ttft.components[0].ms == Approx(4.0));
  CHECK(*ttft.components[1].ms == Approx(0.5));               // queue
  CHECK(*ttft.components[2].ms == Approx(0.0).margin(1e-9));  // prefill
  CHECK(ttft.rest_ms == Approx(1.0));
  CHECK(report::overhead_sentence(ttft) ==
        "podman/tiny-int8/chat/c1 (container) adds 5.50 ms to TTFT p50 over local/tiny-int8/chat/c1 "
        "(25.7 ms vs 20.2 ms): network 4.00 ms, queue 0.50 ms, prefill 0.00 ms, rest 1.00 ms");
  CHECK(rows[4].metric == "e2e_p50");
  CHECK(rows[4].components.size() == 4);  // decode counts for E2E only
}

TEST_CASE("overhead leaves unmeasured parts in rest", "[report][overhead]") {
  auto results = testing::sample_results();
  for (auto& c : results.cells) c.metrics.first_byte.reset();
  const auto rows = report::attribute_overhead(results);
  REQUIRE_FALSE(rows.empty());
  CHECK_FALSE(rows[0].components[0].ms.has_value());
  CHECK(rows[0].rest_ms == Approx(5.0 * 1.1));  // all 4 ms of network move into rest, plus the 1 ms (means)
  CHECK(report::overhead_sentence(rows[0]).find("network not measured") != std::string::npos);
}

TEST_CASE("overhead needs a local baseline", "[report][overhead]") {
  auto results = testing::sample_results();
  for (auto& c : results.cells) c.target.kind = "container";
  CHECK(report::attribute_overhead(results).empty());
}

TEST_CASE("nice_ticks covers the range with round steps", "[report][svg]") {
  const auto t = report::svg::nice_ticks(0, 47);
  CHECK(t.front() == 0);
  CHECK(t.back() >= 47);
  CHECK(t[1] - t[0] == Approx(10));
  CHECK(report::svg::escape_xml("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;");
}
