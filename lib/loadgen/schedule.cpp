#include "loadgen/schedule.h"

#include <fmt/core.h>

#include "core/rng.h"

namespace deploybench::loadgen {
namespace {

double next_gap_s(const OpenLoop& p, Rng& rng) {
  const double mean = 1.0 / p.rate_per_s;
  switch (p.arrival) {
    case Arrival::Constant:
      return mean;
    case Arrival::Poisson:
      return rng.exponential(mean);
    case Arrival::Gamma:
      return rng.gamma(p.burstiness, mean / p.burstiness);
  }
  return mean;
}

}  // namespace

Result<Schedule> make_schedule(const OpenLoop& pattern, Nanos warmup, Nanos duration,
                               std::optional<std::uint64_t> max_requests, std::uint64_t seed, std::size_t max_entries) {
  if (!(pattern.rate_per_s > 0))
    return make_error(ErrorCode::InvalidArgument,
                      fmt::format("open-loop rate must be above 0, got {}", pattern.rate_per_s));
  if (duration.count() <= 0 && !max_requests)
    return make_error(ErrorCode::InvalidArgument, "an open-loop schedule needs a duration or a request count");
  const double expected =
      (to_seconds(warmup) + to_seconds(duration)) * pattern.rate_per_s + static_cast<double>(max_requests.value_or(0));
  if (expected > static_cast<double>(max_entries))
    return make_error(
        ErrorCode::InvalidArgument,
        fmt::format("the schedule would hold about {:.0f} requests, above the limit of {}", expected, max_entries),
        "lower the rate or shorten the duration");
  Schedule s;
  s.offsets.reserve(static_cast<std::size_t>(expected) + 16);
  Rng rng(derive_seed(seed, "schedule"));
  const Nanos end = warmup + duration;
  double t_s = 0;  // accumulated in double seconds so rounding does not drift the mean rate
  bool counted_warmup = false;
  for (;;) {
    const Nanos t = from_seconds(t_s);
    if (duration.count() > 0 && t >= end) break;
    if (!counted_warmup && t >= warmup) {
      s.first_measured = s.offsets.size();
      counted_warmup = true;
    }
    if (counted_warmup && max_requests && s.offsets.size() - s.first_measured >= *max_requests) break;
    if (s.offsets.size() >= max_entries) break;
    s.offsets.push_back(t);
    // Constant arrivals are computed, not accumulated, so 10 * 0.1 s lands exactly on 1 s.
    t_s = pattern.arrival == Arrival::Constant ? static_cast<double>(s.offsets.size()) / pattern.rate_per_s
                                               : t_s + next_gap_s(pattern, rng);
  }
  if (!counted_warmup) s.first_measured = s.offsets.size();
  return s;
}

}  // namespace deploybench::loadgen
