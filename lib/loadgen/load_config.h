#pragma once
// How hard and for how long to drive a target. Closed set of patterns -> a variant (style rule 5).
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "core/error.h"
#include "core/units.h"

namespace deploybench::loadgen {

/// N virtual users, each sending its next request when the previous one finishes (+ think time).
struct ClosedLoop {
  int concurrency = 1;
  Nanos think_time{0};
};

enum class Arrival { Constant, Poisson, Gamma };

/// Requests sent at scheduled times regardless of completions (pre-generated from a seed).
/// Latency is measured from the scheduled time (coordinated-omission-correct).
struct OpenLoop {
  double rate_per_s = 1.0;
  Arrival arrival = Arrival::Poisson;
  double burstiness = 1.0;  // gamma shape; 1 = Poisson, < 1 burstier, > 1 more regular
  int max_in_flight = 256;  // beyond this, scheduled requests are dropped and counted
  /// Connections used to send (like wrk2's -c). 0 = one per in-flight request, so nothing waits.
  /// When smaller, a due request waits in the generator for a free connection; the wait counts in
  /// latency (measured from the scheduled time) but not in service time, and requests still
  /// count toward max_in_flight while they wait.
  int connections = 0;
};

using LoadPattern = std::variant<ClosedLoop, OpenLoop>;

struct LoadConfig {
  LoadPattern pattern = ClosedLoop{};
  Nanos warmup{std::chrono::seconds{1}};     // excluded from every statistic
  Nanos duration{std::chrono::seconds{10}};  // measured window (after warmup)
  std::optional<std::uint64_t> max_requests; // stop after this many measured requests
  Nanos request_timeout{std::chrono::seconds{60}};
  std::uint64_t seed = 1;                    // schedule and sampling seed (recorded)
  std::vector<Diagnostic> validate() const;
};

}  // namespace deploybench::loadgen
