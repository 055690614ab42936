#include "report/overhead.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "report/table.h"
#include "result/metric_catalog.h"

namespace deploybench::report {
namespace {

bool same_axes_but_target(const result::CellResult& a, const result::CellResult& b) {
  auto strip = [](std::map<std::string, std::string> axes) {
    axes.erase("target");
    return axes;
  };
  return a.repetition == b.repetition && strip(a.axes) == strip(b.axes);
}

const result::CellResult* local_match(const result::ResultSet& results, const result::CellResult& cell) {
  for (const auto& c : results.cells)
    if (c.target.kind == "local" && c.error.empty() && same_axes_but_target(c, cell)) return &c;
  return nullptr;
}

std::optional<double> delta(const result::CellResult& dep, const result::CellResult& base, const std::string& key) {
  const auto d = result::metric_value(dep, key), b = result::metric_value(base, key);
  if (!d || !b) return std::nullopt;
  return *d - *b;
}

std::optional<double> sum(std::optional<double> a, std::optional<double> b) {
  if (!a || !b) return std::nullopt;
  return *a + *b;
}

std::optional<OverheadRow> make_row(const result::CellResult& dep, const result::CellResult& base,
                                    const std::string& total, const std::string& agg) {
  const auto d = result::metric_value(dep, total + "_" + agg), b = result::metric_value(base, total + "_" + agg);
  if (!d || !b) return std::nullopt;
  OverheadRow row{cell_label(dep), dep.target.kind, cell_label(base), total + "_" + agg, *b, *d, *d - *b, {}, 0};
  const auto queue = delta(dep, base, "queue_" + agg), prefill = delta(dep, base, "prefill_" + agg);
  const auto first_byte = delta(dep, base, "first_byte_" + agg);
  const auto server_before_first_byte = sum(queue, prefill);
  row.components.push_back({"network", first_byte && server_before_first_byte
                                           ? std::optional<double>(*first_byte - *server_before_first_byte)
                                           : std::nullopt});
  row.components.push_back({"queue", queue});
  row.components.push_back({"prefill", prefill});
  if (total == "e2e") row.components.push_back({"decode", delta(dep, base, "decode_" + agg)});
  row.rest_ms = row.total_ms;
  for (const auto& c : row.components)
    if (c.ms) row.rest_ms -= *c.ms;
  return row;
}

}  // namespace

std::vector<OverheadRow> attribute_overhead(const result::ResultSet& results) {
  std::vector<OverheadRow> rows;
  for (const auto& cell : results.cells) {
    if (cell.target.kind == "local" || !cell.error.empty()) continue;
    const auto* base = local_match(results, cell);
    if (!base) continue;
    for (const char* total : {"ttft", "e2e"})
      for (const char* agg : {"mean", "p50", "p95"})
        if (auto row = make_row(cell, *base, total, agg)) rows.push_back(std::move(*row));
  }
  return rows;
}

bool is_additive(const OverheadRow& row) { return row.metric.ends_with("_mean"); }

std::string metric_title(const std::string& key) {
  const auto pos = key.rfind('_');
  if (pos == std::string::npos) return key;
  std::string name = key.substr(0, pos);
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::toupper(ch); });
  return name + " " + key.substr(pos + 1);
}

std::string overhead_sentence(const OverheadRow& row) {
  std::string parts;
  for (const auto& c : row.components)
    parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", c.name, c.ms ? format_ms(*c.ms) : "not measured");
  parts += fmt::format(", rest {}", format_ms(row.rest_ms));
  return fmt::format("{} ({}) {} {} to {} over {} ({} vs {}): {}", row.deployment, row.kind,
                     row.total_ms >= 0 ? "adds" : "saves", format_ms(std::abs(row.total_ms)), metric_title(row.metric),
                     row.baseline, format_ms(row.deployment_ms), format_ms(row.baseline_ms), parts);
}

}  // namespace deploybench::report
