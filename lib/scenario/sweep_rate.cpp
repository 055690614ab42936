#include <fmt/format.h>

#include "scenario/run_plan.h"

namespace deploybench::scenario {

void set_sweep_rate(Cell& cell, double rate_per_s) {
  if (!cell.sweep || cell.sweep->role != SweepRole::AutoRate) return;
  auto* open = std::get_if<loadgen::OpenLoop>(&cell.load.pattern);
  if (!open) return;
  open->rate_per_s = rate_per_s;
  const std::string label = fmt::format("{:.4g}/s", rate_per_s);
  for (auto& [key, value] : cell.settings)
    if (key == "load.rate") value = label;
}

}  // namespace deploybench::scenario
