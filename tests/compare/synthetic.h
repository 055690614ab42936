#pragma once
// Seeded synthetic runs for comparison and gate tests: one cell ("local, concurrency 1") repeated
// `repetitions` times; every latency and throughput of each repetition is the sample cell's value
// times `scale` (latencies) or divided by it (throughput), times lognormal noise exp(N(0, cv)).
#include <cmath>

#include "core/rng.h"
#include "result/sample_results.h"

namespace deploybench::testing {

inline stats::MetricSummary scaled(const stats::MetricSummary& s, double f) {
  auto mul = [f](Nanos d) { return Nanos(static_cast<std::int64_t>(static_cast<double>(d.count()) * f)); };
  stats::MetricSummary out = s;
  for (Nanos* d : {&out.mean, &out.stddev, &out.min, &out.max, &out.p50, &out.p90, &out.p95, &out.p99, &out.p999})
    *d = mul(*d);
  return out;
}

inline result::ResultSet synthetic_run(int repetitions, double scale, double cv, std::uint64_t seed) {
  Rng rng(seed);
  result::ResultSet set = sample_results();
  const result::CellResult base = set.cells[0];
  set.cells.clear();
  for (int r = 1; r <= repetitions; ++r) {
    result::CellResult c = base;
    c.repetition = r;
    c.cell_id = "local/tiny-int8/chat/c1/r" + std::to_string(r);
    const double f = scale * std::exp(rng.normal(0, cv));
    auto& m = c.metrics;
    m.ttft = scaled(m.ttft, f);
    m.e2e = scaled(m.e2e, f);
    m.tpot = scaled(m.tpot, f);
    m.itl = scaled(m.itl, f);
    m.output_tokens_per_s /= f;
    m.requests_per_s /= f;
    set.cells.push_back(std::move(c));
  }
  return set;
}

}  // namespace deploybench::testing
