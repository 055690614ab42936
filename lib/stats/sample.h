#pragma once
// Order statistics of a small sample of plain values (per-run rates, per-repetition p95s), shared
// by the comparison statistics and refbot's overhead benchmark. Latencies of many requests go
// through LatencyHistogram instead.
#include <span>

namespace deploybench::stats {

/// Median of a non-empty sample (mean of the two middle values for an even count). O(n).
double median(std::span<const double> values);

/// The q-quantile (0..1) with linear interpolation between order statistics (quantile(v, 0.5)
/// equals median(v)); 0 when empty.
double quantile(std::span<const double> values, double q);

}  // namespace deploybench::stats
