#include "compare/comparison.h"

#include <fmt/format.h>

#include <cmath>
#include <map>

#include "core/rng.h"
#include "result/cell_key.h"
#include "result/metric_catalog.h"
#include "stats/sample.h"

namespace deploybench::compare {
namespace {

// Cells of one side grouped by match key, in first-seen order.
struct Group {
  std::string label;
  std::vector<const result::CellResult*> cells;
};

// Why repetition `c` cannot stand for its target in a comparison, or "" when it can.
std::string unusable(const result::CellResult& c, const CompareOptions& o) {
  if (!c.error.empty()) return "failed: " + c.error;
  if (c.validity.valid || o.include_invalid) return "";
  return "invalid: " + c.validity.first_reason();
}

std::vector<std::pair<std::string, Group>> group_cells(const result::ResultSet& set, const CompareOptions& o,
                                                       const std::string& target, std::string_view side,
                                                       std::vector<std::string>& left_out) {
  std::vector<std::pair<std::string, Group>> groups;
  for (const auto& c : set.cells) {
    if (!target.empty() && c.target.name != target) continue;
    if (const auto why = unusable(c, o); !why.empty()) {
      left_out.push_back(fmt::format("{} {} #{}: {}", side, result::cell_base_id(c), c.repetition, why));
      continue;
    }
    const auto key = result::cell_match_key(c, o.ignore_axes);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == key; });
    if (it == groups.end()) it = groups.insert(groups.end(), {key, Group{result::cell_base_id(c), {}}});
    it->second.cells.push_back(&c);
  }
  return groups;
}

std::vector<double> values_of(const Group& g, const std::string& metric) {
  std::vector<double> out;
  for (const auto* c : g.cells)
    if (const auto v = result::metric_value(*c, metric)) out.push_back(*v);
  return out;
}

std::string too_few_warning(std::size_t n, std::size_t m, double alpha) {
  std::size_t need = 2;
  while (min_possible_p_value(need, need) > alpha) ++need;
  return fmt::format("too few repetitions to tell ({} vs {}): the U test needs at least {} per side for p < {}", n, m,
                     need, alpha);
}

MetricComparison compare_metric(const std::string& label, const std::string& metric, const std::vector<double>& b,
                                const std::vector<double>& c, const CompareOptions& o) {
  const auto info = *result::metric_info(metric);
  MetricComparison r;
  r.cell = label;
  r.metric = metric;
  r.unit = info.unit;
  r.n_baseline = b.size();
  r.n_contender = c.size();
  r.baseline_median = stats::median(b);
  r.contender_median = stats::median(c);
  const double diff = r.contender_median - r.baseline_median;
  r.relative_change = r.baseline_median != 0 ? diff / std::fabs(r.baseline_median) : (diff == 0 ? 0.0 : INFINITY);
  r.worse = info.direction == result::Direction::LowerIsBetter ? diff > 0 : diff < 0;
  if (b.size() >= 2 && c.size() >= 2)
    r.ci = bootstrap_relative_change(b, c, derive_seed(o.seed, (label + "/" + metric).c_str()), o.resamples);
  r.p_value = mann_whitney_u(b, c).p_value;
  if (min_possible_p_value(b.size(), c.size()) > o.alpha) r.warning = too_few_warning(b.size(), c.size(), o.alpha);
  if (*r.p_value < o.alpha && diff != 0) r.verdict = r.worse ? Verdict::Regressed : Verdict::Improved;
  const double m = o.equivalence_margin.value_or(0);
  if (m > 0 && r.ci && r.warning.empty() && r.ci->low > -m && r.ci->high < m) r.verdict = Verdict::Equivalent;
  return r;
}

}  // namespace

std::string_view verdict_text(Verdict v) {
  switch (v) {
    case Verdict::Improved:
      return "improved";
    case Verdict::Regressed:
      return "regressed";
    case Verdict::NoSignificantChange:
      return "no significant change";
    case Verdict::Equivalent:
      return "equivalent";
  }
  return "?";
}

const std::vector<std::string>& default_compare_metrics() {
  static const std::vector<std::string> kMetrics = {"ttft_p50",
                                                    "ttft_p95",
                                                    "ttft_p99",
                                                    "tpot_p50",
                                                    "itl_p95",
                                                    "e2e_p50",
                                                    "e2e_p95",
                                                    "e2e_p99",
                                                    "output_tokens_per_s",
                                                    "requests_per_s",
                                                    "error_rate",
                                                    "target_cpu_cores",
                                                    "target_peak_rss_bytes"};
  return kMetrics;
}

Comparison compare(const result::ResultSet& baseline, const result::ResultSet& contender,
                   const CompareOptions& options) {
  CompareOptions o = options;
  if (!o.baseline_target.empty() || !o.contender_target.empty()) o.ignore_axes.insert("target");
  const auto& metrics = o.metrics.empty() ? default_compare_metrics() : o.metrics;
  Comparison out;
  out.equivalence_margin = o.equivalence_margin;
  const auto base_groups = group_cells(baseline, o, o.baseline_target, "baseline", out.left_out);
  const auto cont_groups = group_cells(contender, o, o.contender_target, "contender", out.left_out);
  out.alpha = o.alpha;
  for (const auto& [key, group] : base_groups) {
    const auto it = std::find_if(cont_groups.begin(), cont_groups.end(), [&](const auto& g) { return g.first == key; });
    if (it == cont_groups.end()) {
      out.only_baseline.push_back(group.label);
      continue;
    }
    for (const auto& metric : metrics) {
      if (!result::metric_info(metric)) continue;
      const auto b = values_of(group, metric), c = values_of(it->second, metric);
      if (b.empty() || c.empty()) continue;
      out.rows.push_back(compare_metric(group.label, metric, b, c, o));
    }
  }
  for (const auto& [key, group] : cont_groups)
    if (std::none_of(base_groups.begin(), base_groups.end(), [&](const auto& g) { return g.first == key; }))
      out.only_contender.push_back(group.label);
  return out;
}

}  // namespace deploybench::compare
