#pragma once
// Effective settings of a cell as ordered key -> value text, in units a scenario file accepts.
#include <string>
#include <utility>
#include <vector>

#include "scenario/run_plan.h"

namespace deploybench::scenario::detail {

using Settings = std::vector<std::pair<std::string, std::string>>;

/// Settings of the cell's target, model, workload and load; any occurrence of a value in
/// `secrets` (and credentials in URLs) reads "***".
Settings effective_settings(const Cell& cell, const std::vector<std::string>& secrets);

std::string_view kind_label(const target::KindConfig& kind);

}  // namespace deploybench::scenario::detail
