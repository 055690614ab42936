#pragma once
// The expanded, validated plan of a scenario file: what the runner executes and what
// `deploybench validate` prints. Built only by load_plan() (loader.h).
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/units.h"
#include "loadgen/load_config.h"
#include "loadgen/workload_config.h"
#include "target/target_config.h"

namespace deploybench::scenario {

/// What a sweep step measures. An explicit sweep (from/to) has only `Rate` steps. The automatic
/// sweep (after GuideLLM) first runs one user (`Synchronous`) and many users (`Saturating`) to
/// bound the target's rate, then `AutoRate` steps whose open-loop rate the runner fills in from
/// those two results (loadgen::sweep_rates), so their rate is unknown until run time.
enum class SweepRole { Rate, Synchronous, Saturating, AutoRate };

/// Marks a cell as one step of a capacity sweep. The runner runs the steps of a group in order
/// (they share a deployment) and, once a `Rate`/`AutoRate` step violates any `stop_slo`
/// expression, skips the remaining steps of the same group.
struct SweepStep {
  std::string group;                  // cell id without the step part, e.g. "local/tiny-int8/chat/capacity/r1"
  int index = 0;                      // 0-based step
  int count = 0;                      // steps in the group
  std::vector<std::string> stop_slo;  // raw threshold expressions (compare::parse_threshold grammar)
  SweepRole role = SweepRole::Rate;
  int rate_index = 0;  // AutoRate: 0-based among the group's AutoRate steps
  int rate_count = 0;  // AutoRate: how many AutoRate steps the group has
};

/// One run point of the plan with its effective settings.
struct Cell {
  std::string id;                           // stable, e.g. "local/tiny-int8/chat/closed/c4/r1"
  std::map<std::string, std::string> axes;  // axis -> value label: target, kind, model, precision,
                                            // workload, load, concurrency | rate | step
  int repetition = 1;                       // 1-based
  std::string deployment_key;               // consecutive cells with equal keys share one deployment
  target::TargetConfig target;
  loadgen::WorkloadConfig workload;
  loadgen::LoadConfig load;
  std::optional<SweepStep> sweep;
  /// Effective settings in a fixed order ("target.kind" -> "local", "load.duration" -> "5s"...).
  /// Values that came from secret environment variables (and header values) read "***".
  std::vector<std::pair<std::string, std::string>> settings;
};

/// Regression limits against a baseline result set (evaluated by compare/, not here).
struct GateSpec {
  std::filesystem::path baseline;  // resolved against the scenario file's directory
  /// metric expression (e.g. "p95(ttft)", "throughput") -> allowed relative regression (0.1 = 10%)
  std::vector<std::pair<std::string, double>> max_regression;
  double alpha = 0.05;  // significance level for the U-test when both sides have repetitions
};

struct OutputOptions {
  std::filesystem::path dir = "results";              // relative to the working directory
  std::vector<std::string> formats = {"json", "md"};  // json | md | csv | html
};

enum class Order { Interleaved, Sequential };

struct RunPlan {
  std::string name, description;
  std::filesystem::path file;  // as given to load_plan
  std::string sha256;          // of the file's bytes (before interpolation, so no secrets)
  std::uint64_t seed = 1;      // the scenario seed every workload and load uses unless overridden
  int repeat = 1;
  Order order = Order::Interleaved;
  std::vector<Cell> cells;       // in execution order
  std::vector<std::string> slo;  // raw threshold strings, e.g. "p95(ttft) < 500ms"
  std::optional<GateSpec> gate;
  OutputOptions output;
  Nanos estimated_duration{0};  // deploys + warmups + measured windows (sweeps: all steps)
  int deployments = 0;          // runs of consecutive cells with the same deployment_key
  /// Problems that do not stop the plan, with file:line:column (validate and run print them).
  std::vector<Diagnostic> warnings;
};

std::string_view order_name(Order order);

/// Fills in an automatic sweep's `AutoRate` step once its group's bounds are measured: the
/// open-loop rate and the "load.rate" setting. The "rate" axis stays "auto" (with the "step"
/// axis), so repetitions and runs, whose measured rates differ, still match step by step.
/// Other cells are left unchanged.
void set_sweep_rate(Cell& cell, double rate_per_s);

}  // namespace deploybench::scenario
