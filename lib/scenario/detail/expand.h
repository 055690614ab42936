#pragma once
// ScenarioSpec -> RunPlan cells (pure apart from diagnostics). The order is pinned by tests:
//   groups   = target x model (matrix order; each group is one deployment per repetition)
//   in group = workload x load x level (matrix / file order)
//   interleaved: round r = 1..repeat; round 1 in matrix order, later rounds in a seeded
//                permutation (so slow drift of the machine does not fall on one target);
//   sequential:  group, then its rounds.
// Each repetition of a group is a fresh deployment (its deployment_key ends in "#r<N>").
#include "scenario/detail/spec.h"
#include "scenario/run_plan.h"

namespace deploybench::scenario::detail {

/// Plans larger than this are refused (they would run for days and print for minutes).
inline constexpr std::size_t kMaxCells = 10000;

/// Expands `spec`; reports exclude rules that match nothing and an empty matrix.
RunPlan expand(Reader& reader, const ScenarioSpec& spec);

/// Recomputes plan.deployments and plan.estimated_duration from plan.cells (after filtering).
void recount(RunPlan& plan);

/// Rough time to deploy one target of this kind until ready (for the plan's estimate only).
Nanos deploy_estimate(const target::KindConfig& kind);

}  // namespace deploybench::scenario::detail
