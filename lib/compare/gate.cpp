#include "compare/gate.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "core/fs.h"
#include "core/text.h"
#include "core/yaml_text.h"
#include "result/cell_key.h"
#include "result/metric_catalog.h"
#include "result/result_json.h"

namespace deploybench::compare {
namespace {

// One absolute threshold over all repetitions of every cell. Each repetition must satisfy it;
// the check reports the worst one.
// A capacity sweep's rate steps are judged by the sweep's own stop SLO (its capacity line), as
// `deploybench run` judges them; an invalid cell's numbers cannot show that a threshold holds.
void check_absolute(const result::ResultSet& results, const Threshold& t, GateVerdict& out) {
  for (const auto& c : results.cells) {
    if (result::is_sweep_step(c)) continue;
    GateCheck check{t.text, result::cell_base_id(c), CheckOutcome::Pass, std::nullopt, {}};
    if (c.repetition > 1) check.cell += fmt::format(" #{}", c.repetition);
    const auto v = c.error.empty() ? result::metric_value(c, t.metric) : std::nullopt;
    if (!c.error.empty()) {
      check.outcome = CheckOutcome::Fail;
      check.detail = "cell failed to run: " + c.error;
    } else if (!c.validity.valid) {
      check.outcome = CheckOutcome::Fail;
      check.detail = "cell is invalid, so its numbers cannot show the threshold holds: " + c.validity.first_reason();
    } else if (!v) {
      check.outcome = CheckOutcome::Fail;
      check.detail = fmt::format("{} was not measured in this cell", t.metric);
    } else {
      check.actual = *v;
      const bool ok = satisfies(t, *v);
      check.outcome = ok ? CheckOutcome::Pass : CheckOutcome::Fail;
      check.detail =
          fmt::format("{} = {} ({} {} {})", t.metric, result::format_metric_value(*v, t.unit),
                      ok ? "meets" : "violates", comparator_text(t.op), result::format_metric_value(t.value, t.unit));
    }
    out.checks.push_back(std::move(check));
  }
}

void check_regression(const Comparison& cmp, const Threshold& t, GateVerdict& out) {
  if (std::none_of(cmp.rows.begin(), cmp.rows.end(), [&](const auto& r) { return r.metric == t.metric; })) {
    // Passing silently here would let a renamed scenario or an empty run through the gate.
    out.checks.push_back({t.text, "(all cells)", CheckOutcome::Fail, std::nullopt,
                          fmt::format("no contender cell matches a baseline cell with {} measured; nothing to "
                                      "compare (check that both files come from the same scenario)",
                                      t.metric)});
    return;
  }
  for (const auto& row : cmp.rows) {
    if (row.metric != t.metric) continue;
    const double worsening = row.worse ? std::fabs(row.relative_change) : 0.0;
    const bool over = worsening > t.max_regression;
    const bool significant = row.p_value && *row.p_value < cmp.alpha;
    GateCheck check{t.text, row.cell, CheckOutcome::Pass, row.relative_change, {}};
    const std::string p = row.p_value ? fmt::format("p = {:.3g}", *row.p_value) : "no p-value";
    const std::string ci = row.ci ? fmt::format(", 95% CI [{}, {}]", result::format_percent_change(row.ci->low),
                                                result::format_percent_change(row.ci->high))
                                  : "";
    const std::string change = fmt::format(
        "{} {} ({} -> {}{}, {}, n = {} vs {})", row.metric, result::format_percent_change(row.relative_change),
        result::format_metric_value(row.baseline_median, row.unit),
        result::format_metric_value(row.contender_median, row.unit), ci, p, row.n_baseline, row.n_contender);
    if (over && significant) {
      check.outcome = CheckOutcome::Fail;
      check.detail = fmt::format("significant regression: {}; limit {:.0f}%", change, t.max_regression * 100);
    } else if (over) {
      check.detail = fmt::format("exceeds the limit but is not significant: {}", change);
    } else {
      check.detail = fmt::format("within the limit: {}", change);
    }
    if (!row.warning.empty()) out.warnings.push_back(fmt::format("{} {}: {}", row.cell, row.metric, row.warning));
    out.checks.push_back(std::move(check));
  }
}

Result<double> policy_alpha(const YAML::Node& node, const std::string& source) {
  double alpha = 0;
  try {
    alpha = node.as<double>();
  } catch (const YAML::Exception&) {
    alpha = -1;
  }
  if (alpha <= 0 || alpha > 0.5)
    return make_error(ErrorCode::InvalidArgument,
                      fmt::format("{}:{}:{}: alpha: must be a number in (0, 0.5]", source, node.Mark().line + 1,
                                  node.Mark().column + 1),
                      "the usual significance level is 0.05");
  return alpha;
}

}  // namespace

bool GateVerdict::passed() const { return failures() == 0; }

std::size_t GateVerdict::failures() const {
  return static_cast<std::size_t>(
      std::count_if(checks.begin(), checks.end(), [](const GateCheck& c) { return c.outcome == CheckOutcome::Fail; }));
}

GatePolicy default_gate_policy() {
  GatePolicy p;
  for (const char* expr : {"p95(ttft) regresses by more than 10%", "p95(e2e) regresses by more than 10%",
                           "output_tokens_per_s regresses by more than 10%", "error_rate < 1%"})
    p.thresholds.push_back(parse_threshold(expr).value());
  return p;
}

Result<std::vector<Threshold>> parse_thresholds(std::span<const std::string> expressions) {
  std::vector<Threshold> out;
  for (const auto& e : expressions) {
    auto t = parse_threshold(e);
    if (!t) return std::move(t).error();
    out.push_back(std::move(*t));
  }
  return out;
}

Result<GatePolicy> parse_gate_policy(std::string_view yaml_text, const std::string& source) {
  if (auto opened = unclosed_flow(yaml_text)) {  // before yaml-cpp, which can loop on it (core/yaml_text.h)
    const auto [line, column] = line_column(yaml_text, *opened);
    return make_error(ErrorCode::InvalidArgument,
                      fmt::format("{}:{}:{}: this '{}' is never closed", source, line, column, yaml_text[*opened]),
                      fmt::format("close it with '{}'", yaml_text[*opened] == '[' ? ']' : '}'));
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return make_error(ErrorCode::InvalidArgument,
                      fmt::format("{}:{}:{}: {}", source, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
  if (!root.IsMap())
    return make_error(ErrorCode::InvalidArgument, fmt::format("{}: a gate policy must be a mapping", source),
                      "write 'thresholds:' followed by a list of expressions");
  GatePolicy policy;
  const std::vector<std::string> known = {"thresholds", "alpha"};
  std::map<std::string, int> seen;  // key -> its line: yaml-cpp keeps a repeated key silently
  for (const auto& kv : root) {
    const auto key = kv.first.as<std::string>();
    const auto at = fmt::format("{}:{}:{}", source, kv.first.Mark().line + 1, kv.first.Mark().column + 1);
    if (const auto [it, fresh] = seen.emplace(key, kv.first.Mark().line + 1); !fresh)
      return make_error(ErrorCode::InvalidArgument, fmt::format("{}: duplicate key '{}'", at, key),
                        fmt::format("'{}' is already set on line {}; keep one", key, it->second));
    if (key == "alpha") {
      auto alpha = policy_alpha(kv.second, source);
      if (!alpha) return std::move(alpha).error();
      policy.alpha = *alpha;
    } else if (key == "thresholds") {
      if (!kv.second.IsSequence())
        return make_error(ErrorCode::InvalidArgument, fmt::format("{}: thresholds: must be a list", at));
      for (const auto& item : kv.second) {
        if (item.IsNull())  // a bare '-': yaml-cpp gives it no position of its own
          return make_error(ErrorCode::InvalidArgument, fmt::format("{}: thresholds: a list item is empty", at),
                            "write an expression such as 'p95(e2e) < 300ms' after the '-', or remove it");
        auto t = item.IsScalar() ? parse_threshold(item.as<std::string>())
                                 : Result<Threshold>(make_error(ErrorCode::InvalidArgument, "must be a string"));
        if (!t)
          return make_error(
              ErrorCode::InvalidArgument,
              fmt::format("{}:{}:{}: {}", source, item.Mark().line + 1, item.Mark().column + 1, t.error().message),
              t.error().hint);
        policy.thresholds.push_back(std::move(*t));
      }
    } else {
      const auto near = closest_match(key, known);
      return make_error(ErrorCode::InvalidArgument, fmt::format("{}: unknown key '{}'", at, key),
                        near ? fmt::format("did you mean '{}'?", *near) : "known keys: thresholds, alpha");
    }
  }
  if (policy.thresholds.empty())
    return make_error(ErrorCode::InvalidArgument, fmt::format("{}: the policy has no thresholds", source),
                      "add 'thresholds:' with at least one expression");
  return policy;
}

Result<GatePolicy> load_gate_policy(const std::string& path) {
  auto text = read_file(path);
  if (!text) return std::move(text).error();
  return parse_gate_policy(*text, path);
}

Result<GateVerdict> evaluate_slos(const result::ResultSet& results, std::span<const std::string> slo_exprs) {
  auto thresholds = parse_thresholds(slo_exprs);
  if (!thresholds) return std::move(thresholds).error();
  GateVerdict verdict;
  for (const auto& t : *thresholds) {
    if (t.kind == ThresholdKind::Regression)
      return make_error(ErrorCode::InvalidArgument,
                        fmt::format("threshold '{}': a regression limit needs a baseline", t.text),
                        "move it to the scenario's gate section, or use 'deploybench gate --baseline FILE'");
    check_absolute(results, t, verdict);
  }
  return verdict;
}

GateVerdict evaluate_gate(const result::ResultSet& baseline, const result::ResultSet& contender,
                          const GatePolicy& policy, const CompareOptions& options) {
  GateVerdict verdict;
  CompareOptions o = options;
  o.alpha = policy.alpha;
  o.metrics.clear();
  for (const auto& t : policy.thresholds)
    if (t.kind == ThresholdKind::Regression &&
        std::find(o.metrics.begin(), o.metrics.end(), t.metric) == o.metrics.end())
      o.metrics.push_back(t.metric);
  const Comparison cmp = o.metrics.empty() ? Comparison{} : compare(baseline, contender, o);
  if (!o.metrics.empty()) verdict.conditions = condition_differences(baseline, contender);
  for (const auto& cell : cmp.only_baseline)
    verdict.warnings.push_back(fmt::format("{}: in the baseline but not in the contender", cell));
  for (const auto& cell : cmp.only_contender)
    verdict.warnings.push_back(fmt::format("{}: in the contender but not in the baseline (no regression check)", cell));
  for (const auto& what : cmp.left_out) verdict.warnings.push_back("left out of the regression checks: " + what);
  const auto steps = std::count_if(contender.cells.begin(), contender.cells.end(), result::is_sweep_step);
  const bool absolute = std::any_of(policy.thresholds.begin(), policy.thresholds.end(),
                                    [](const auto& t) { return t.kind == ThresholdKind::Absolute; });
  if (steps > 0 && absolute)
    verdict.warnings.push_back(fmt::format(
        "{} capacity-sweep step(s) not held to the absolute thresholds: a sweep's result is its capacity line", steps));
  for (const auto& t : policy.thresholds) {
    if (t.kind == ThresholdKind::Absolute)
      check_absolute(contender, t, verdict);
    else
      check_regression(cmp, t, verdict);
  }
  return verdict;
}

std::vector<std::string> regression_expressions(std::span<const std::pair<std::string, double>> max_regression) {
  std::vector<std::string> out;
  for (const auto& [metric, fraction] : max_regression)
    out.push_back(fmt::format("{} regresses by more than {:g}%", metric, fraction * 100));
  return out;
}

Result<GateVerdict> apply_gate(const result::ResultSet& contender, const std::string& baseline_path,
                               std::span<const std::string> threshold_exprs, double alpha) {
  auto thresholds = parse_thresholds(threshold_exprs);
  if (!thresholds) return std::move(thresholds).error();
  // A gate that silently passed without its baseline would let every regression through CI; a
  // missing one is a setup error (as for `deploybench gate`), not a regression of the system.
  if (std::error_code ec; !std::filesystem::exists(baseline_path, ec))
    return make_error(ErrorCode::NotFound,
                      fmt::format("gate: no results at '{}': the gate has nothing to compare with", baseline_path),
                      "record a baseline (a run's results.json) there, or pass --baseline FILE");
  auto baseline = result::load_results(baseline_path);
  if (!baseline) return std::move(baseline).error();
  return evaluate_gate(*baseline, contender, GatePolicy{std::move(*thresholds), alpha});
}

}  // namespace deploybench::compare
