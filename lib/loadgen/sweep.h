#pragma once
// Sweeps: several load levels run back to back against the same endpoint and workload, and the
// automatic capacity sweep (after GuideLLM's "sweep"): a synchronous run (one user) measures the
// unloaded rate, a saturating run (many users) measures the most the target completes, then N
// open-loop rates spaced evenly between them find the highest rate that still meets the SLO.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/load_generator.h"

namespace deploybench::loadgen {

struct SweepLevel {
  std::string label;  // "c1", "c32", "8.5/s"
  LoadPattern pattern;
  LoadResult result;
};

/// Runs `base` once per pattern in `levels` (each with its own warmup and window). Stops early,
/// returning the levels done so far, if a level is interrupted.
Result<std::vector<SweepLevel>> run_sweep(const Endpoint& endpoint, const WorkloadConfig& workload,
                                          const LoadConfig& base, const std::vector<LoadPattern>& levels,
                                          const RunOptions& options);

/// Whether a level meets the service-level objective (e.g. p99 TTFT under 500 ms). Invalid levels
/// never count as meeting it.
using SloPredicate = std::function<bool(const LoadResult&)>;

struct CapacitySweepConfig {
  int rates = 5;                    // open-loop levels after the two bounding runs (>= 1)
  int saturation_concurrency = 32;  // closed-loop users for the saturating run
  Arrival arrival = Arrival::Poisson;
  double burstiness = 1.0;
  int max_in_flight = 256;
};

struct CapacitySweepResult {
  std::vector<SweepLevel> levels;         // [0] synchronous, [1] saturating, then rates ascending
  double synchronous_rate = 0;            // completed requests/s with one user
  double saturated_rate = 0;              // completed requests/s at saturation_concurrency
  std::optional<double> best_rate;        // highest open-loop rate that met the SLO and was valid
  std::optional<std::size_t> best_level;  // its index in `levels`
};

/// The open-loop rates tried between the synchronous and saturated rates (ascending, > 0).
std::vector<double> sweep_rates(double synchronous_rate, double saturated_rate, int count);

Result<CapacitySweepResult> capacity_sweep(const Endpoint& endpoint, const WorkloadConfig& workload,
                                           const LoadConfig& base, const CapacitySweepConfig& config,
                                           const SloPredicate& meets_slo, const RunOptions& options);

}  // namespace deploybench::loadgen
