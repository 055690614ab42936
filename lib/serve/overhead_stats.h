#pragma once
// Summaries of the overhead benchmark's paired samples: quantiles and a confidence interval
// for the median that respects the samples' order (neighbouring pairs share an in-process run
// and a shared machine drifts, so the samples are not independent).
#include <cstdint>
#include <vector>

namespace deploybench::serve {

struct Interval {
  double low = 0, high = 0;
};

/// Percentile interval of the median from a moving-block bootstrap: resamples runs of
/// `block` consecutive samples, so correlation between neighbours stays inside a block.
/// Deterministic for a given seed.
Interval median_interval(const std::vector<double>& values, double level, int block, int resamples, std::uint64_t seed);

}  // namespace deploybench::serve
