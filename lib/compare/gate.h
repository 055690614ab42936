#pragma once
// SLO and gate evaluation. Absolute thresholds are checked on every measured cell of the results
// under test; regression thresholds compare against a baseline and fail only when the worsening
// exceeds the limit AND the Mann-Whitney U test finds it significant (p < alpha), so CI fails on
// real regressions and not on noise.
//
// Policy file (YAML):
//   thresholds:                       # required, a list of threshold expressions (threshold.h)
//     - "p95(e2e) < 300ms"
//     - "error_rate < 1%"
//     - "p95(ttft) regresses by more than 10%"
//   alpha: 0.05                       # optional significance level, in (0, 0.5]
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "compare/comparison.h"
#include "compare/conditions.h"
#include "compare/threshold.h"
#include "core/error.h"
#include "result/run_result.h"

namespace deploybench::compare {

struct GatePolicy {
  std::vector<Threshold> thresholds;
  double alpha = 0.05;
};

/// Used by `deploybench gate` without --policy or --threshold: TTFT p95, E2E p95 and output
/// tok/s may not regress by more than 10%, and the error rate must stay below 1%.
GatePolicy default_gate_policy();
Result<GatePolicy> parse_gate_policy(std::string_view yaml_text, const std::string& source_name);
Result<GatePolicy> load_gate_policy(const std::string& path);
/// Parses every expression; the first bad one is the error.
Result<std::vector<Threshold>> parse_thresholds(std::span<const std::string> expressions);

enum class CheckOutcome { Pass, Fail };

struct GateCheck {
  std::string threshold;  // expression as written
  std::string cell;       // cell id (without repetition suffix)
  CheckOutcome outcome = CheckOutcome::Pass;
  std::optional<double> actual;  // absolute: the value (worst repetition); regression: relative change
  std::string detail;            // one line saying why, with numbers and units
};

struct GateVerdict {
  std::vector<GateCheck> checks;
  std::vector<std::string> warnings;  // too few repetitions, unmatched cells, ...
  // With a regression threshold: what else differs between baseline and contender (conditions.h).
  std::vector<ConditionDifference> conditions;
  bool passed() const;
  std::size_t failures() const;
};

/// SLOs of one run (end of `deploybench run`): every absolute threshold on every cell. A cell that
/// failed to run, or lacks the metric, fails the check. A regression threshold is an error here.
Result<GateVerdict> evaluate_slos(const result::ResultSet& results, std::span<const std::string> slo_exprs);

/// Absolute thresholds on the contender's cells; regression thresholds against the baseline.
GateVerdict evaluate_gate(const result::ResultSet& baseline, const result::ResultSet& contender,
                          const GatePolicy& policy, const CompareOptions& options = {});

/// A scenario's `gate:` section applied at the end of `run`: loads `baseline_path` (a results.json
/// or run directory) and evaluates `threshold_exprs` against it. Errors: a baseline that does
/// not exist (NotFound: a gate must not pass CI without one), unreadable or malformed baseline, bad
/// expressions (harness errors, not gate failures).
Result<GateVerdict> apply_gate(const result::ResultSet& contender, const std::string& baseline_path,
                               std::span<const std::string> threshold_exprs, double alpha = 0.05);

/// The scenario's `gate: max_regression:` map as expressions: ("p95(ttft)", 0.25) ->
/// "p95(ttft) regresses by more than 25%". Pass the result to apply_gate.
std::vector<std::string> regression_expressions(std::span<const std::pair<std::string, double>> max_regression);

}  // namespace deploybench::compare
