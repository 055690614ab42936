#pragma once
// Text for people: diagnostics and the plan `deploybench validate` prints. Pure functions.
#include <string>
#include <string_view>

#include "core/error.h"
#include "scenario/run_plan.h"

namespace deploybench::scenario {

/// "file:line:col: path: message (hint)", or with a severity "file:line:col: warning: path: ...";
/// parts that are unknown are left out.
std::string format_diagnostic(const Diagnostic& d, std::string_view severity = {});

/// The plan: header (cells, deployments, estimate, slo, gate, output), then each deployment
/// with its target and model settings, and each cell with its workload and load settings.
std::string render_plan(const RunPlan& plan);

/// "45s", "3m 20s", "1h 05m".
std::string human_duration(Nanos d);

}  // namespace deploybench::scenario
