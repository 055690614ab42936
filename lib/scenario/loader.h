#pragma once
// The one entry point that `deploybench run` and `deploybench validate` share:
// read -> check the text -> parse YAML -> interpolate ${VAR} -> validate -> expand.
//
// Every problem is reported at once. On failure the returned Error has code InvalidScenario and
// each Diagnostic has file, line, column (1-based), path (e.g. "targets.vm.memory") and, where
// one exists, a hint. The schema is documented in scenarios/README.md. Problems that do not stop
// the plan (a gate baseline that does not exist yet, prompts that may not fit a model's context)
// are the plan's `warnings`, with the same fields.
//
// `check_threshold` checks every threshold expression (threshold_check.h): the apps pass
// compare::check_threshold so that a bad SLO is reported here, with its position.
#include <filesystem>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "scenario/environment.h"
#include "scenario/run_plan.h"
#include "scenario/threshold_check.h"

namespace deploybench::scenario {

/// Scenario files larger than this are rejected before parsing.
inline constexpr std::size_t kMaxScenarioBytes = 1u << 20;

/// Loads `file`. `diagnostics` (may be null) receives every problem found.
Result<RunPlan> load_plan(const std::filesystem::path& file, const Environment& env,
                          std::vector<Diagnostic>* diagnostics,
                          const ThresholdCheck& check_threshold = light_threshold_check);

/// Same as load_plan on text already in memory; `file` names it in diagnostics and relative
/// paths (prompts, checkpoints, baseline) resolve against its directory.
Result<RunPlan> parse_plan(std::string_view text, const std::filesystem::path& file, const Environment& env,
                           std::vector<Diagnostic>* diagnostics,
                           const ThresholdCheck& check_threshold = light_threshold_check);

}  // namespace deploybench::scenario
