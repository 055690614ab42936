#include "report/chart_data.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/text.h"
#include "result/cell_key.h"

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

}  // namespace deploybench::report
