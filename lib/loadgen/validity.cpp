#include <fmt/core.h>

#include "loadgen/load_generator.h"

namespace deploybench::loadgen {

Validity check_validity(const stats::RunMetrics& m, const GeneratorHealth& g, const LoadConfig& load,
                        const ValidityLimits& limits) {
  Validity v;
  auto fail = [&v](std::string reason) {
    v.valid = false;
    v.reasons.push_back(std::move(reason));
  };
  if (m.completed < limits.min_completed)
    fail(fmt::format("only {} request(s) completed in the measured window (need {}); {}", m.completed,
                     limits.min_completed,
                     m.errors > 0 ? fmt::format("{} failed: see the errors", m.errors) : "lengthen the duration"));
  const auto dropped = m.errors_by_kind.count("dropped") ? m.errors_by_kind.at("dropped") : 0;
  if (limits.drops_invalidate && dropped > 0) {
    const auto* open = std::get_if<OpenLoop>(&load.pattern);
    fail(
        fmt::format("{} of {} requests were dropped at the in-flight cap ({}): the target cannot keep up with "
                    "this rate; lower the rate or raise max_in_flight",
                    dropped, m.requests, open ? open->max_in_flight : 0));
  }
  if (g.lag.count > 0 && g.lag.p99 > limits.max_lag_p99)
    fail(
        fmt::format("the generator sent late: schedule lag p99 {} exceeds {}; it is starved of CPU (shared with "
                    "the target?) — pin generator and target to separate cores, add threads, or lower the load",
                    format_duration(g.lag.p99), format_duration(limits.max_lag_p99)));
  if (g.max_thread_busy > limits.max_thread_busy)
    fail(
        fmt::format("a generator thread used {:.0f}% of a core: the numbers may reflect the generator, not the "
                    "target; add threads (--threads) or lower the load",
                    g.max_thread_busy * 100));
  if (limits.max_error_rate && m.requests > 0) {
    const double rate = static_cast<double>(m.errors) / static_cast<double>(m.requests);
    if (rate > *limits.max_error_rate)
      fail(
          fmt::format("error rate {:.2f}% exceeds {:.2f}%: the latencies describe only the requests that "
                      "succeeded; see the errors",
                      rate * 100, *limits.max_error_rate * 100));
  }
  return v;
}

}  // namespace deploybench::loadgen
