#pragma once
// What differed between the conditions two runs were measured under. A comparison across a
// different machine, kernel, deploybench build, scenario file or deployed build measures that
// difference too, so `compare` and `gate` name it next to their verdicts (the peers compare numbers
// whatever produced them; a baseline recorded on one CI runner then gates another runner's noise).
#include <string>
#include <vector>

#include "result/run_result.h"

namespace deploybench::compare {

struct ConditionDifference {
  std::string what;  // e.g. "host", "CPU", "target local: served_model"
  std::string baseline, contender;
};

/// The manifest fields that describe the machine, the build and the scenario, then, when
/// `targets_too`, what each target both runs deployed under the same name reported about itself
/// (model served, binary or image digest, CPU set, limits, accelerator...; never per-run values
/// such as ports). Pure; empty when the conditions match.
std::vector<ConditionDifference> condition_differences(const result::ResultSet& baseline,
                                                       const result::ResultSet& contender, bool targets_too = true);

/// "" when there are none; otherwise a note and one line per difference (indented, or a Markdown list).
std::string render_condition_differences(const std::vector<ConditionDifference>& differences, bool markdown = false);

}  // namespace deploybench::compare
