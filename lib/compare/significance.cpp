#include "compare/significance.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/check.h"
#include "core/rng.h"
#include "stats/sample.h"

namespace deploybench::compare {
namespace {

constexpr std::size_t kMaxExact = 30;

// Number of arrangements of n baseline and m contender values for each U in [0, n*m],
// via counts[n][m][u] = counts[n-1][m][u-m] + counts[n][m-1][u] (contender value largest or not).
std::vector<double> u_distribution(std::size_t n, std::size_t m) {
  // prev[j] holds the distribution for (i-1, j); cur for (i, j).
  std::vector<std::vector<double>> prev(m + 1), cur(m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = {1.0};  // i = 0: U is always 0
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = {1.0};  // j = 0: no contender values, U = 0
    for (std::size_t j = 1; j <= m; ++j) {
      std::vector<double> d(i * j + 1, 0.0);
      // Largest value is a contender value: it beats all i baseline values (+i to U).
      for (std::size_t u = 0; u < cur[j - 1].size(); ++u) d[u + i] += cur[j - 1][u];
      // Largest value is a baseline value: U unchanged.
      for (std::size_t u = 0; u < prev[j].size(); ++u) d[u] += prev[j][u];
      cur[j] = std::move(d);
    }
    std::swap(prev, cur);
  }
  return prev[m];
}

double normal_sf(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

}  // namespace

MannWhitneyResult mann_whitney_u(std::span<const double> baseline, std::span<const double> contender) {
  DEPLOYBENCH_CHECK(!baseline.empty() && !contender.empty()) << "Mann-Whitney U needs two non-empty samples";
  const std::size_t n = baseline.size(), m = contender.size();
  double u = 0;
  bool ties = false;
  for (double c : contender)
    for (double b : baseline) {
      if (c > b)
        u += 1;
      else if (c == b)
        u += 0.5, ties = true;
    }
  // Ties within a sample also affect the variance; detect them on the pooled ranks.
  std::vector<double> pooled(baseline.begin(), baseline.end());
  pooled.insert(pooled.end(), contender.begin(), contender.end());
  std::sort(pooled.begin(), pooled.end());
  double tie_term = 0;  // sum over tie groups of (t^3 - t)
  for (std::size_t i = 0; i < pooled.size();) {
    std::size_t j = i;
    while (j < pooled.size() && pooled[j] == pooled[i]) ++j;
    const double t = static_cast<double>(j - i);
    if (t > 1) ties = true, tie_term += t * t * t - t;
    i = j;
  }
  MannWhitneyResult r;
  r.u = u;
  if (!ties && n <= kMaxExact && m <= kMaxExact) {
    const auto dist = u_distribution(n, m);
    double total = 0, at_most = 0, at_least = 0;
    for (std::size_t k = 0; k < dist.size(); ++k) {
      total += dist[k];
      if (static_cast<double>(k) <= u) at_most += dist[k];
      if (static_cast<double>(k) >= u) at_least += dist[k];
    }
    r.p_value = std::min(1.0, 2.0 * std::min(at_most, at_least) / total);
    r.exact = true;
    return r;
  }
  const double nn = static_cast<double>(n), mm = static_cast<double>(m), big_n = nn + mm;
  const double mean = nn * mm / 2;
  const double var = nn * mm / 12 * ((big_n + 1) - tie_term / (big_n * (big_n - 1)));
  if (var <= 0) {
    r.p_value = 1;  // every value equal: no evidence of any difference
    return r;
  }
  const double z = (std::fabs(u - mean) - 0.5) / std::sqrt(var);
  r.p_value = std::min(1.0, 2.0 * normal_sf(std::max(z, 0.0)));
  return r;
}

double min_possible_p_value(std::size_t n, std::size_t m) {
  if (n == 0 || m == 0) return 1.0;
  // C(n+m, n) computed in floating point (exact enough for the comparison with alpha).
  double c = 1;
  for (std::size_t k = 1; k <= n; ++k) c = c * static_cast<double>(m + k) / static_cast<double>(k);
  return std::min(1.0, 2.0 / c);
}

ConfidenceInterval bootstrap_relative_change(std::span<const double> baseline, std::span<const double> contender,
                                             std::uint64_t seed, int resamples, double confidence) {
  auto relative = [](double b, double c) {
    if (b != 0) return (c - b) / std::fabs(b);
    if (c == 0) return 0.0;
    return c > 0 ? std::numeric_limits<double>::infinity() : -std::numeric_limits<double>::infinity();
  };
  ConfidenceInterval ci;
  ci.estimate = relative(stats::median(baseline), stats::median(contender));
  Rng rng(seed);
  std::vector<double> resampled, b(baseline.size()), c(contender.size());
  resampled.reserve(static_cast<std::size_t>(resamples));
  auto draw = [&rng](std::span<const double> from, std::vector<double>& into) {
    const auto hi = static_cast<std::int64_t>(from.size()) - 1;
    for (auto& v : into) v = from[static_cast<std::size_t>(rng.uniform_int(0, hi))];
  };
  for (int i = 0; i < resamples; ++i) {
    draw(baseline, b);
    draw(contender, c);
    resampled.push_back(relative(stats::median(b), stats::median(c)));
  }
  std::sort(resampled.begin(), resampled.end());
  const double tail = (1 - confidence) / 2;
  auto at = [&](double q) {
    const auto idx = static_cast<std::size_t>(
        std::clamp(q * static_cast<double>(resampled.size() - 1), 0.0, static_cast<double>(resampled.size() - 1)));
    return resampled[idx];
  };
  ci.low = at(tail);
  ci.high = at(1 - tail);
  return ci;
}

}  // namespace deploybench::compare
