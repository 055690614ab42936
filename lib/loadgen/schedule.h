#pragma once
// Open-loop send schedules, generated before the run from a named seed (MLPerf LoadGen's
// GenerateQueries), so a run can be repeated exactly and no RNG runs on the hot path.
//
// Inter-arrival gaps for a rate r (requests per second):
//   constant  every gap is 1/r
//   poisson   exponential gaps with mean 1/r
//   gamma     Gamma(k, 1/(r k)) gaps with shape k = burstiness: mean 1/r, coefficient of variation
//             1/sqrt(k) (k = 1 is Poisson, k < 1 burstier, k > 1 more regular), as in vLLM bench
// The first request is sent at offset 0; offsets are relative to the start of warmup.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/error.h"
#include "core/units.h"
#include "loadgen/load_config.h"

namespace deploybench::loadgen {

/// Offsets of intended sends, non-decreasing. Offsets below `first_measured`'s are warmup.
struct Schedule {
  std::vector<Nanos> offsets;
  std::size_t first_measured = 0;  // index of the first entry in the measured window
};

/// Entries in [0, warmup) are warmup; then the measured window runs for `duration` (0 = no time
/// limit) and holds at most `max_requests` entries. Fails (instead of allocating without bound)
/// if the schedule would exceed `max_entries`.
Result<Schedule> make_schedule(const OpenLoop& pattern, Nanos warmup, Nanos duration,
                               std::optional<std::uint64_t> max_requests, std::uint64_t seed,
                               std::size_t max_entries = 50'000'000);

}  // namespace deploybench::loadgen
