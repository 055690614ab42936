#pragma once
// Follows the capacity sweeps of one deployment group while the runner runs their steps in
// order: skips the steps after the first that misses its stop SLO, fills in the rates of an
// automatic sweep from its synchronous and saturating steps, and reports the highest level that
// met the SLO. Internal to runner/.
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "result/run_result.h"
#include "scenario/run_plan.h"

namespace deploybench::runner {

class SweepTracker {
 public:
  using Log = std::function<void(const std::string&)>;
  explicit SweepTracker(Log log) : log_(std::move(log)) {}

  /// Why `cell` must not run (an earlier step of its sweep missed the SLO, or an automatic
  /// sweep's bounds could not be measured); nullopt when it should run.
  std::optional<std::string> skip_reason(const scenario::Cell& cell) const;
  /// The cell to run: `cell` itself, or for an automatic step a copy with its rate filled in.
  scenario::Cell resolve(const scenario::Cell& cell) const;
  /// Takes the result of a step that ran (`cell` as resolved) and sets its `sweep_slo_met`
  /// (rate steps only).
  void record(const scenario::Cell& cell, result::CellResult& r);

 private:
  struct Group {
    bool stopped = false;
    std::string best_level;                                  // highest level so far that met the stop SLO
    std::optional<double> synchronous_rate, saturated_rate;  // completed requests/s
  };
  Log log_;
  std::map<std::string, Group> groups_;
};

/// Why a Rate/AutoRate step violates its stop SLO (any threshold fails, or its metric is
/// missing, or the step failed); nullopt when it meets every expression.
std::optional<std::string> sweep_stop_reason(const scenario::Cell& cell, const result::CellResult& r);

}  // namespace deploybench::runner
