#pragma once
// One summary type reused for every latency metric (avoid MLPerf's duplicated stat blocks).
#include <cstdint>

#include "core/units.h"

namespace deploybench::stats {

/// Distribution of one latency metric over the measured (post-warmup) requests.
/// Percentiles come from a log-linear histogram with 3 significant digits.
struct MetricSummary {
  std::uint64_t count = 0;
  Nanos mean{0}, stddev{0}, min{0}, max{0};
  Nanos p50{0}, p90{0}, p95{0}, p99{0}, p999{0};
};

}  // namespace deploybench::stats
