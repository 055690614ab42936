#include "stats/latency_histogram.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "core/rng.h"

using deploybench::Nanos;
using deploybench::Rng;
using deploybench::stats::LatencyHistogram;

namespace {

// Nearest-rank order statistic: the ceil(p/100 * n)-th smallest value.
std::int64_t exact_percentile(std::vector<std::int64_t> sorted, double p) {
  std::sort(sorted.begin(), sorted.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

// Log-normal-ish latencies from 1 us to ~10 s, the spread real runs produce.
std::vector<std::int64_t> sample_latencies(std::uint64_t seed, std::size_t n) {
  Rng rng(seed);
  std::vector<std::int64_t> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(std::llround(std::exp(rng.uniform() * 16.0) * 1000.0));
  return out;
}

}  // namespace

TEST_CASE("slots tile the value range with relative width below 1/1000") {
  for (std::size_t slot = 0; slot < 40000; ++slot) {
    const auto lo = LatencyHistogram::slot_low(slot);
    const auto hi = LatencyHistogram::slot_high(slot);
    REQUIRE(LatencyHistogram::slot_of(lo) == slot);
    REQUIRE(LatencyHistogram::slot_of(hi) == slot);
    REQUIRE(LatencyHistogram::slot_of(hi + 1) == slot + 1);
    REQUIRE(static_cast<double>(hi - lo) <= static_cast<double>(lo) / 1000.0);
  }
}

TEST_CASE("percentiles match exact order statistics within the resolution") {
  const auto values = sample_latencies(42, 20000);
  LatencyHistogram h;
  for (auto v : values) REQUIRE(h.record(Nanos{v}));
  REQUIRE(h.count() == values.size());
  for (double p : {0.0, 1.0, 10.0, 50.0, 90.0, 95.0, 99.0, 99.9, 99.99, 100.0}) {
    const auto exact = static_cast<double>(exact_percentile(values, p));
    const auto got = static_cast<double>(h.value_at_percentile(p).count());
    INFO("p" << p << " exact " << exact << " histogram " << got);
    REQUIRE(std::abs(got - exact) <= exact / 1000.0 + 1.0);
  }
  REQUIRE(h.min().count() == *std::min_element(values.begin(), values.end()));
  REQUIRE(h.max().count() == *std::max_element(values.begin(), values.end()));
}

TEST_CASE("small values are exact and mean/stddev follow the samples") {
  LatencyHistogram h;
  for (int v = 1; v <= 1000; ++v) h.record(Nanos{v});
  REQUIRE(h.value_at_percentile(50).count() == 500);
  REQUIRE(h.value_at_percentile(99).count() == 990);
  REQUIRE(h.mean().count() == 501);  // (1 + 1000) / 2 rounded
  REQUIRE(std::abs(static_cast<double>(h.stddev().count()) - 288.7) < 1.0);
}

TEST_CASE("merging per-worker histograms equals recording into one") {
  const auto values = sample_latencies(7, 9000);
  LatencyHistogram all, a, b, c;
  for (std::size_t i = 0; i < values.size(); ++i) {
    all.record(Nanos{values[i]});
    (i % 3 == 0 ? a : i % 3 == 1 ? b : c).record(Nanos{values[i]});
  }
  LatencyHistogram merged;
  merged.merge(a);
  merged.merge(b);
  merged.merge(c);
  REQUIRE(merged.count() == all.count());
  REQUIRE(merged.min() == all.min());
  REQUIRE(merged.max() == all.max());
  REQUIRE(merged.mean() == all.mean());
  REQUIRE(merged.stddev() == all.stddev());
  for (double p = 0; p <= 100.0; p += 0.5) REQUIRE(merged.value_at_percentile(p) == all.value_at_percentile(p));
}

TEST_CASE("values above the highest trackable are clamped and counted") {
  LatencyHistogram h(std::chrono::milliseconds{10});
  REQUIRE(h.record(std::chrono::milliseconds{5}));
  REQUIRE_FALSE(h.record(std::chrono::seconds{1}));
  REQUIRE(h.overflow() == 1);
  REQUIRE(h.count() == 2);
  REQUIRE(h.max() == std::chrono::seconds{1});
}

TEST_CASE("empty histogram summarises to zeros") {
  LatencyHistogram h;
  const auto s = deploybench::stats::summarize(h);
  REQUIRE(s.count == 0);
  REQUIRE(s.p99.count() == 0);
  REQUIRE(h.value_at_percentile(50).count() == 0);
}
