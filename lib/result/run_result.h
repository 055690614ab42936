#pragma once
// The canonical record of one measured cell (one run point of the plan). result/ defines its own
// plain records so it stays below scenario/ and target/ (style rule 6); runner/ fills them in.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/units.h"
#include "stats/run_metrics.h"

namespace deploybench::result {

/// Ordered key -> value, as written by the user or resolved by the planner (all strings, with units).
using Settings = std::vector<std::pair<std::string, std::string>>;

/// The value of `key` in `settings`, or nullptr when absent.
inline const std::string* find_setting(const Settings& settings, std::string_view key) {
  for (const auto& [k, v] : settings)
    if (k == key) return &v;
  return nullptr;
}

struct TargetIdentity {
  std::string name;  // scenario's name for the target
  std::string kind;  // local | container | vm | remote
  std::map<std::string, std::string> details;
};

struct ResourcePoint {
  double t_s = 0;        // seconds since the cell started measuring
  double cpu_cores = 0;  // CPU use over the last interval, in cores
  std::uint64_t rss_bytes = 0;
};

struct Lifecycle {
  double build_s = 0, deploy_to_ready_s = 0;
  std::optional<double> cold_ttft_ms, warm_ttft_ms;
  std::uint64_t idle_rss_bytes = 0;
};

/// Metrics of one cell are computed by loadgen/ (stats::RunMetrics).
using Metrics = stats::RunMetrics;

struct Validity {
  bool valid = true;
  std::vector<std::string> reasons;  // why not, each with a recommendation
  std::string first_reason() const { return reasons.empty() ? "no reason recorded" : reasons.front(); }
};

struct CellResult {
  std::string cell_id;                      // stable id from the plan, e.g. "local/tiny-int8/chat/c4/r1"
  std::map<std::string, std::string> axes;  // axis name -> value, e.g. target=local, concurrency=4
  int repetition = 1;
  Settings settings;  // effective settings of this cell
  TargetIdentity target;
  Metrics metrics;
  Validity validity;
  std::vector<ResourcePoint> resources;
  Lifecycle lifecycle;
  std::string started_at;  // ISO 8601 UTC
  std::string error;       // non-empty when the cell failed to run
  /// Error kind (as in metrics.errors_by_kind) -> the first response body seen for it, so a
  /// report can say *why* requests failed (e.g. the server's 400 message), not only how many.
  std::map<std::string, std::string> error_examples;
  /// Capacity-sweep rate steps only: whether the step met every stop-SLO expression (the
  /// sweep's capacity is its highest rate with true). Absent for every other cell.
  std::optional<bool> sweep_slo_met;
};

struct Manifest {
  int schema_version = 1;
  std::string run_id;
  std::string tool_version, git_revision;
  std::string host_name, cpu_model, kernel, os;
  int cores = 0;
  std::uint64_t memory_bytes = 0;
  std::string scenario_name, scenario_file, scenario_sha256;
  std::uint64_t seed = 0;
  std::string started_at, finished_at;  // ISO 8601 UTC
  std::string status = "running";       // running | complete | failed | interrupted
};

struct ResultSet {
  Manifest manifest;
  std::vector<CellResult> cells;
};

}  // namespace deploybench::result
