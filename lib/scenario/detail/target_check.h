#pragma once
// Runs target::TargetConfig::validate() on every deployment of the plan before anything runs:
// the checks make_target would otherwise fail at run time, in every cell and with no position
// (network emulation in front of an https endpoint, a checkpoint model in a VM).
#include "scenario/detail/spec.h"
#include "scenario/run_plan.h"

namespace deploybench::scenario::detail {

/// One error per distinct problem, at the entry of the target it concerns.
void check_deployed_targets(Reader& reader, const ScenarioSpec& spec, const RunPlan& plan);

}  // namespace deploybench::scenario::detail
