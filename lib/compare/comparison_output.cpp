// Comparison tables (declared in gate_output.h).
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "compare/gate_output.h"
#include "result/metric_catalog.h"

namespace deploybench::compare {
namespace {

std::vector<std::string> row_cells(const MetricComparison& r, std::optional<double> margin) {
  auto num = [&](double v) { return result::format_metric_value(v, r.unit); };
  const std::string ci = r.ci ? fmt::format("[{}, {}]", result::format_percent_change(r.ci->low),
                                            result::format_percent_change(r.ci->high))
                              : std::string("-");
  const std::string p = r.p_value ? fmt::format("{:.3f}", *r.p_value) : std::string("-");
  std::string verdict(verdict_text(r.verdict));
  if (r.verdict == Verdict::Equivalent && margin) verdict += fmt::format(" (within ±{:g}%)", *margin * 100);
  if (!r.warning.empty()) verdict += " (too few repetitions)";
  return {r.cell,
          r.metric,
          num(r.baseline_median),
          num(r.contender_median),
          result::format_percent_change(r.relative_change),
          ci,
          p,
          fmt::format("{}/{}", r.n_baseline, r.n_contender),
          verdict};
}

const std::vector<std::string> kHeaders = {"cell",   "metric", "baseline", "contender", "change",
                                           "95% CI", "p",      "n",        "verdict"};

// The summary sentence under the table, then one warning per line.
struct Footer {
  std::string summary;
  std::vector<std::string> warnings;
};

Footer footer(const Comparison& c) {
  std::size_t regressed = 0, improved = 0, equivalent = 0, few = 0;
  for (const auto& r : c.rows) {
    regressed += r.verdict == Verdict::Regressed;
    improved += r.verdict == Verdict::Improved;
    equivalent += r.verdict == Verdict::Equivalent;
    few += !r.warning.empty();
  }
  const std::string equivalence = c.equivalence_margin
                                      ? fmt::format("{} equivalent within ±{:g}% (95% CI inside the margin), ",
                                                    equivalent, *c.equivalence_margin * 100)
                                      : std::string();
  Footer out;
  out.summary = fmt::format(
      "{} regressed, {} improved, {}{} without significant change (Mann-Whitney U, alpha {}; "
      "medians over repetitions; bootstrap 95% CI of the relative change)",
      regressed, improved, equivalence, c.rows.size() - regressed - improved - equivalent, c.alpha);
  if (few)
    out.warnings.push_back(
        fmt::format("warning: {} rows have too few repetitions to detect any change; run more repetitions", few));
  for (const auto& cell : c.only_baseline)
    out.warnings.push_back(fmt::format("warning: {} is only in the baseline", cell));
  for (const auto& cell : c.only_contender)
    out.warnings.push_back(fmt::format("warning: {} is only in the contender", cell));
  for (const auto& what : c.left_out) out.warnings.push_back("warning: left out " + what);
  return out;
}

// Text: one line each. Markdown: the warnings as a list, since consecutive lines would join into
// one paragraph.
std::string render_footer(const Footer& f, bool markdown) {
  std::string out = f.summary + "\n";
  if (markdown && !f.warnings.empty()) out += "\n";
  for (const auto& w : f.warnings) out += (markdown ? "- " : "") + w + "\n";
  return out;
}

}  // namespace

std::string render_comparison_text(const Comparison& c) {
  std::vector<std::vector<std::string>> rows = {kHeaders};
  for (const auto& r : c.rows) rows.push_back(row_cells(r, c.equivalence_margin));
  std::vector<std::size_t> width(kHeaders.size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i)
      line += (i < 2 || i == row.size() - 1) ? fmt::format("{:<{}}  ", row[i], width[i])
                                             : fmt::format("{:>{}}  ", row[i], width[i]);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out + render_footer(footer(c), false);
}

std::string render_comparison_markdown(const Comparison& c) {
  std::string out = "|";
  for (const auto& h : kHeaders) out += fmt::format(" {} |", h);
  out += "\n|---|---|---:|---:|---:|---:|---:|---:|---|\n";
  for (const auto& r : c.rows) {
    out += "|";
    for (const auto& cell : row_cells(r, c.equivalence_margin)) out += fmt::format(" {} |", cell);
    out += "\n";
  }
  return out + "\n" + render_footer(footer(c), true);
}

}  // namespace deploybench::compare
