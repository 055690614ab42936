#pragma once
// Warns, before anything runs, when a workload's synthetic prompts plus max_tokens could
// overflow the context of the refbot preset a cell deploys (refbot would answer every such
// request with context_length_exceeded).
#include "scenario/detail/spec.h"
#include "scenario/run_plan.h"

namespace deploybench::scenario::detail {

/// Tokens refbot's byte-level tokenizer could need for the workload's longest synthetic prompt,
/// chat markup included.
int refbot_prompt_tokens(const loadgen::WorkloadConfig& workload);

/// One warning per (workload, preset) that could overflow, at the workload's input_tokens.
void warn_context_overflow(Reader& reader, const ScenarioSpec& spec, const RunPlan& plan);

}  // namespace deploybench::scenario::detail
