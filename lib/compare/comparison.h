#pragma once
// Baseline versus contender: cells are matched by their axes (result/cell_key.h), every
// repetition of a cell contributes one value per metric, and each metric gets a relative change
// of medians with a bootstrap 95% CI, a Mann-Whitney U p-value and a verdict.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "compare/significance.h"
#include "result/run_result.h"

namespace deploybench::compare {

enum class Verdict { Improved, Regressed, NoSignificantChange, Equivalent };
std::string_view verdict_text(Verdict v);  // "improved", "regressed", "no significant change", "equivalent"

struct CompareOptions {
  std::vector<std::string> metrics;               // metric keys; empty: default_compare_metrics()
  double alpha = 0.05;                            // significance level of the U test
  std::uint64_t seed = 0x5eedc0de;                // bootstrap seed (results are reproducible)
  int resamples = 2000;                           // bootstrap resamples
  std::set<std::string> ignore_axes;              // axes left out of matching (e.g. "target" for local vs cloud)
  std::string baseline_target, contender_target;  // if set, only cells of that target on each side
  bool include_invalid = false;                   // compare invalid repetitions too (left out by default)
  /// Set (e.g. 0.03): a metric whose bootstrap 95% CI of the relative change lies inside
  /// (-margin, +margin) is Equivalent, a two one-sided test at 0.025 each ("no significant change"
  /// is not evidence of no change). Needs enough repetitions for the U test; significant changes
  /// inside the margin are Equivalent too.
  std::optional<double> equivalence_margin;
};

/// ttft p50/p95/p99, tpot p50, itl p95, e2e p50/p95/p99, output tok/s, req/s, error rate, CPU, RSS.
const std::vector<std::string>& default_compare_metrics();

struct MetricComparison {
  std::string cell;    // baseline cell's id without repetition suffix
  std::string metric;  // metric key
  std::string unit;
  std::size_t n_baseline = 0, n_contender = 0;  // repetitions with a value
  double baseline_median = 0, contender_median = 0;
  double relative_change = 0;            // (contender - baseline) / |baseline|, medians
  std::optional<ConfidenceInterval> ci;  // 95% bootstrap CI of relative_change; needs 2+ per side
  std::optional<double> p_value;         // Mann-Whitney U, two-sided
  Verdict verdict = Verdict::NoSignificantChange;
  bool worse = false;   // the change goes in the metric's bad direction
  std::string warning;  // e.g. too few repetitions to tell
};

struct Comparison {
  std::vector<MetricComparison> rows;      // cell order of the baseline, metric order of the options
  std::vector<std::string> only_baseline;  // cells without a match in the contender
  std::vector<std::string> only_contender;
  // Repetitions left out, each "baseline|contender CELL #REP: why": failed ones, and invalid ones
  // (their numbers do not describe the target; result::Validity) unless include_invalid.
  std::vector<std::string> left_out;
  double alpha = 0.05;
  std::optional<double> equivalence_margin;  // as in CompareOptions
};

/// Pure and deterministic. Failed cells (non-empty error) are left out, and invalid ones unless
/// options.include_invalid; Comparison::left_out names each.
Comparison compare(const result::ResultSet& baseline, const result::ResultSet& contender,
                   const CompareOptions& options = {});

}  // namespace deploybench::compare
