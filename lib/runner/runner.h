#pragma once
// Orchestrates a plan: for each group of consecutive cells sharing a deployment, deploy the
// target once, measure cold and warm first requests, run each cell's load while sampling the
// target's resources, write the cell's result atomically, and always tear the target down.
#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "core/endpoint.h"
#include "core/error.h"
#include "loadgen/load_config.h"
#include "loadgen/workload_config.h"
#include "result/run_result.h"
#include "scenario/run_plan.h"
#include "target/target.h"

namespace deploybench::runner {

/// The seams the runner drives; production wires the real target/ and loadgen/ libraries,
/// tests pass fakes that log the lifecycle order.
class TargetFactory {
 public:
  virtual ~TargetFactory() = default;
  virtual Result<std::unique_ptr<target::Target>> make(const target::TargetConfig& config) = 0;
};

struct LoadOutcome {
  stats::RunMetrics metrics;
  result::Validity validity;
  std::map<std::string, std::string> error_examples;  // error kind -> first response body
  std::string failure;  // non-empty: no request succeeded (the cell failed; its counts are kept)
};

class LoadDriver {
 public:
  virtual ~LoadDriver() = default;
  /// Runs one cell's load. `stop` becomes true on Ctrl-C; the driver should return soon after.
  virtual Result<LoadOutcome> run(const Endpoint& endpoint, const loadgen::WorkloadConfig& workload,
                                  const loadgen::LoadConfig& load, const std::atomic<bool>& stop) = 0;
};

struct RunnerOptions {
  std::filesystem::path out_dir = "results";  // the run directory is out_dir/<run_id>
  std::string run_id;                         // empty: generated from the time and a random suffix
  Nanos sample_interval{std::chrono::milliseconds{250}};
  bool measure_cold_start = true;                          // one request right after deploy, then one warm
  std::function<void(const std::string&)> log;             // progress lines (stderr); may be empty
  std::function<void(const result::CellResult&)> on_cell;  // after each cell is written
};

struct RunOutcome {
  result::ResultSet results;
  std::filesystem::path run_dir;
  bool interrupted = false;
  int failed_cells = 0;
};

/// Runs the whole plan. Returns an Error only when nothing could be recorded (e.g. the run
/// directory cannot be written); failed deployments and cells are recorded in the results.
Result<RunOutcome> run_plan(const scenario::RunPlan& plan, const RunnerOptions& options, TargetFactory& targets,
                            LoadDriver& load, const std::atomic<bool>& stop);

/// "20261124-213000-3f2a": UTC time plus 4 hex digits, sortable and unique enough per machine.
std::string make_run_id();
/// ISO 8601 UTC, e.g. "2026-11-24T21:30:00Z".
std::string utc_now_iso8601();

}  // namespace deploybench::runner
