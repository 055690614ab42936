#include "serve/overhead_stats.h"

#include <algorithm>
#include <cmath>

#include "core/rng.h"
#include "stats/sample.h"

namespace deploybench::serve {

Interval median_interval(const std::vector<double>& values, double level, int block, int resamples,
                         std::uint64_t seed) {
  const std::size_t n = values.size();
  if (n == 0) return {};
  const auto b = static_cast<std::size_t>(std::clamp<std::size_t>(static_cast<std::size_t>(std::max(block, 1)), 1, n));
  Rng rng(seed);
  std::vector<double> medians, sample;
  medians.reserve(static_cast<std::size_t>(resamples));
  for (int r = 0; r < resamples; ++r) {
    sample.clear();
    while (sample.size() < n) {
      const auto start = static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(n - b)));
      for (std::size_t i = start; i < start + b && sample.size() < n; ++i) sample.push_back(values[i]);
    }
    medians.push_back(stats::median(sample));
  }
  const double tail = (1.0 - level) / 2;
  return {stats::quantile(medians, tail), stats::quantile(medians, 1.0 - tail)};
}

}  // namespace deploybench::serve
