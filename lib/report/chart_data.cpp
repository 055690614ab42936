#include "report/chart_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "core/text.h"
#include "result/cell_key.h"
#include "result/metric_catalog.h"
#include "stats/sample.h"

namespace deploybench::report {
namespace {

// Which parts of the split ids to keep in their short names: those that differ between ids
// (only leading parts count as shared when the ids have different lengths), and the last part
// when nothing differs.
std::vector<bool> distinguishing_parts(const std::vector<std::vector<std::string>>& parts) {
  std::size_t shortest = parts.front().size(), longest = 0;
  for (const auto& p : parts) shortest = std::min(shortest, p.size()), longest = std::max(longest, p.size());
  std::vector<bool> keep(longest, false);
  bool leading = true;
  for (std::size_t i = 0; i < longest; ++i) {
    const bool same = i < shortest &&
                      std::all_of(parts.begin(), parts.end(), [&](const auto& p) { return p[i] == parts.front()[i]; });
    leading = leading && same;
    keep[i] = shortest == longest ? !same : !leading;
  }
  if (std::none_of(keep.begin(), keep.end(), [](bool k) { return k; })) keep.back() = true;
  return keep;
}

// The series a cell's point belongs to: target/model/workload/load, from its axes.
std::string series_key(const result::CellResult& c) {
  std::vector<std::string> parts;
  for (const char* axis : {"target", "model", "workload", "load"}) {
    const auto it = c.axes.find(axis);
    if (it != c.axes.end())
      parts.push_back(it->second);
    else if (parts.empty())
      parts.push_back(c.target.name);
  }
  return join(parts, "/");
}

// Orders a series' load levels: by rate ("8/s"; closed loop has none, so it comes first), then
// by concurrency.
std::pair<double, double> level_order(const result::CellResult& c) {
  auto number = [&](const char* axis) {
    const auto it = c.axes.find(axis);
    return it == c.axes.end() ? -1.0 : std::strtod(it->second.c_str(), nullptr);
  };
  return {number("rate"), number("concurrency")};
}

// How a point names its load level: "c4" (closed loop) or "8/s" (open loop).
std::string level_label(const result::CellResult& c) {
  if (const auto it = c.axes.find("rate"); it != c.axes.end()) return it->second;
  if (const auto it = c.axes.find("concurrency"); it != c.axes.end()) return "c" + it->second;
  return {};
}

struct LevelPoints {
  std::pair<double, double> order;
  std::string label;
  std::vector<double> throughput, e2e_p95;  // one per repetition
};

svg::Series median_line(std::string name, const std::map<std::string, LevelPoints>& levels) {
  std::vector<const LevelPoints*> sorted;
  for (const auto& [id, level] : levels) sorted.push_back(&level);
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->order < b->order; });
  svg::Series s{std::move(name), {}, {}};
  for (const auto* l : sorted) {
    s.points.emplace_back(stats::median(l->throughput), stats::median(l->e2e_p95));
    s.point_labels.push_back(l->label);
  }
  return s;
}

}  // namespace

std::vector<const result::CellResult*> measured_cells(const result::ResultSet& results) {
  std::vector<const result::CellResult*> cells;
  for (const auto& c : results.cells)
    if (c.error.empty() && c.metrics.completed > 0) cells.push_back(&c);
  return cells;
}

ShortNames shorten_ids(const std::vector<std::string>& ids) {
  if (ids.empty()) return {};
  std::vector<std::vector<std::string>> parts;
  for (const auto& id : ids) parts.push_back(split(id, '/'));
  const std::vector<bool> keep = distinguishing_parts(parts);
  ShortNames out;
  for (const auto& p : parts) {
    std::vector<std::string> kept;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (keep[i] || (i + 1 == p.size() && kept.empty())) kept.push_back(p[i]);
    out.names.push_back(join(kept, "/"));
  }
  if (std::find(keep.begin(), keep.end(), false) == keep.end()) return out;
  std::vector<std::string> pattern;
  for (std::size_t i = 0; i < keep.size(); ++i) {
    if (!keep[i])
      pattern.push_back(parts.front()[i]);
    else if (pattern.empty() || pattern.back() != "*")
      pattern.push_back("*");
  }
  out.shared = join(pattern, "/");
  return out;
}

CellLabels chart_cell_labels(const std::vector<const result::CellResult*>& cells) {
  std::vector<std::string> ids;
  for (const auto* c : cells) ids.push_back(result::cell_base_id(*c));
  ShortNames names = shorten_ids(ids);
  for (std::size_t i = 0; i < cells.size(); ++i)
    if (cells[i]->repetition > 1) names.names[i] += fmt::format(" #{}", cells[i]->repetition);
  return {std::move(names.names), names.shared.empty() ? "" : "cells " + names.shared};
}

ThroughputLatency throughput_latency_series(const std::vector<const result::CellResult*>& cells) {
  std::vector<std::string> keys;                                        // series, in run order
  std::map<std::string, std::map<std::string, LevelPoints>> by_series;  // series -> cell base id -> points
  for (const auto* c : cells) {
    const std::string key = series_key(*c);
    if (!by_series.count(key)) keys.push_back(key);
    auto& level = by_series[key][result::cell_base_id(*c)];
    level.order = level_order(*c);
    level.label = level_label(*c);
    level.throughput.push_back(c->metrics.output_tokens_per_s);
    level.e2e_p95.push_back(result::metric_value(*c, "e2e_p95").value_or(0));
  }
  const ShortNames names = shorten_ids(keys);
  ThroughputLatency out;
  for (std::size_t i = 0; i < keys.size(); ++i)
    out.series.push_back(median_line(keys.size() > 1 ? names.names[i] : keys[i], by_series[keys[i]]));
  out.note = "one point per load level, median over repetitions";
  if (keys.size() > 1 && !names.shared.empty()) out.note += "; lines " + names.shared;
  return out;
}

}  // namespace deploybench::report
