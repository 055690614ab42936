#pragma once
// How cells are named across renderers and matched across runs.
#include <set>
#include <string>

#include "result/run_result.h"

namespace deploybench::result {

/// cell_id without its "/r<repetition>" suffix: the same for every repetition of a cell.
inline std::string cell_base_id(const CellResult& cell) {
  const std::string suffix = "/r" + std::to_string(cell.repetition);
  std::string id = cell.cell_id;
  if (id.size() > suffix.size() && id.compare(id.size() - suffix.size(), suffix.size(), suffix) == 0)
    id.resize(id.size() - suffix.size());
  return id;
}

/// The key that matches a cell's repetitions within a run and across runs: its axes
/// ("name=value" joined by ",", sorted by name) without `ignored` axes; cell_base_id when the
/// cell has no axes.
inline std::string cell_match_key(const CellResult& cell, const std::set<std::string>& ignored = {}) {
  std::string key;
  for (const auto& [name, value] : cell.axes) {
    if (ignored.count(name) || name == "repetition") continue;
    key += (key.empty() ? "" : ",") + name + "=" + value;
  }
  return key.empty() ? cell_base_id(cell) : key;
}

/// Whether the cell is a step of a capacity sweep (its settings carry "load.sweep_step"). A run's
/// SLOs do not judge sweep steps: a sweep runs until its own stop SLO breaks.
inline bool is_sweep_step(const CellResult& cell) { return find_setting(cell.settings, "load.sweep_step") != nullptr; }

}  // namespace deploybench::result
