#pragma once
// --only filters: "target=local,precision=int8" keeps the cells whose axes match every term;
// "target=local|vm" (or the same axis twice) matches either value.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "scenario/run_plan.h"

namespace deploybench::scenario {

struct OnlyFilter {
  std::vector<std::pair<std::string, std::vector<std::string>>> terms;  // axis -> accepted values
  bool empty() const { return terms.empty(); }
};

/// Parses "axis=value[|value],axis=value"; errors name the bad term.
Result<OnlyFilter> parse_only(std::string_view text);

/// The plan restricted to matching cells, with deployments and the estimate recomputed.
/// Errors (InvalidArgument) on an axis or value no cell has (with a "did you mean" hint) and
/// when nothing remains.
Result<RunPlan> filter(const RunPlan& plan, const OnlyFilter& only);

}  // namespace deploybench::scenario
