#pragma once
// The seam through which the loader checks threshold expressions (`slo:`, a sweep's `slo:` and
// each `gate: max_regression:` limit) with the file's other problems. The grammar lives in
// compare/, which shares scenario/'s layer and so may not be included here: the apps pass
// compare::check_threshold, and callers that pass nothing get the light syntax check below.
#include <functional>
#include <string_view>

#include "core/error.h"

namespace deploybench::scenario {

/// Ok, or an Error whose message and hint become the expression's diagnostic.
using ThresholdCheck = std::function<Status(std::string_view expression)>;

/// A light syntax check: a common metric (p95(ttft), error_rate, throughput...), then an operator
/// and a value, or "regresses by more than N%". It does not check values or units.
Status light_threshold_check(std::string_view expression);

}  // namespace deploybench::scenario
