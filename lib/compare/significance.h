#pragma once
// Statistics for comparing two small samples of per-repetition values (e.g. ten p95 TTFTs from
// ten repetitions of a cell in the baseline run and ten in the contender run).
#include <cstdint>
#include <span>

namespace deploybench::compare {

struct MannWhitneyResult {
  double u = 0;        // U of the contender sample: pairs (c, b) with c > b, ties counting 1/2
  double p_value = 1;  // two-sided
  bool exact = false;  // exact null distribution (no ties, both sides <= 30), else normal approximation
};

/// Mann-Whitney U test (Mann & Whitney 1947). Exact two-sided p-value by the recurrence
/// f(n, m, u) = f(n-1, m, u-m) + f(n, m-1, u) when there are no ties and both samples have at
/// most 30 values; otherwise the normal approximation with tie correction and continuity
/// correction (as scipy.stats.mannwhitneyu's "asymptotic" method). Both samples must be non-empty.
MannWhitneyResult mann_whitney_u(std::span<const double> baseline, std::span<const double> contender);

/// The smallest two-sided p-value any outcome can have with n and m values and no ties:
/// 2 / C(n + m, n). If it exceeds alpha, the test cannot detect any change.
double min_possible_p_value(std::size_t n, std::size_t m);

struct ConfidenceInterval {
  double estimate = 0;  // observed statistic
  double low = 0, high = 0;
};

/// Percentile-bootstrap confidence interval (Efron & Tibshirani 1993, ch. 13) for the relative
/// change of medians, (median(contender) - median(baseline)) / |median(baseline)|, resampling each
/// side independently with replacement. Deterministic for a given seed. A zero baseline median
/// gives a zero-width interval at 0 when both medians are 0, at +-infinity otherwise.
ConfidenceInterval bootstrap_relative_change(std::span<const double> baseline, std::span<const double> contender,
                                             std::uint64_t seed, int resamples = 2000, double confidence = 0.95);

}  // namespace deploybench::compare
