#pragma once
// ScenarioSpec: what the user wrote, typed (style rule 6: requested settings). Defaults are
// applied while reading; expansion (expand.h) turns it into the RunPlan's cells.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "loadgen/load_config.h"
#include "loadgen/workload_config.h"
#include "scenario/detail/yaml_reader.h"
#include "scenario/run_plan.h"
#include "target/target_config.h"

namespace deploybench::scenario::detail {

struct Defaults {
  Nanos warmup{std::chrono::seconds{1}};
  Nanos duration{std::chrono::seconds{10}};
  Nanos request_timeout{std::chrono::seconds{60}};
  Nanos ready_timeout{std::chrono::seconds{60}};
  std::optional<std::uint64_t> max_requests;
};

struct NamedTarget {
  std::string name;
  target::TargetConfig config;
  std::optional<Nanos> duration;  // the measured window of this target's cells, over the load's
  Where where{};                  // of the entry, for problems found after expansion
};

struct NamedModel {
  std::string name;
  target::ModelSpec spec;
};

struct NamedWorkload {
  std::string name;
  loadgen::WorkloadConfig config;
  Where where;  // of input_tokens, else of the entry (context warnings point here)
};

/// One level of a load: a concrete pattern plus the axis it varies ("concurrency" -> "4").
struct LoadLevel {
  std::string label;                                      // id component, e.g. "c4", "8rps", "s2"; empty if single
  std::vector<std::pair<std::string, std::string>> axes;  // e.g. {"concurrency", "4"}
  loadgen::LoadPattern pattern;
  SweepRole role = SweepRole::Rate;    // sweeps only
  int rate_index = 0, rate_count = 0;  // AutoRate steps: position among them, and their number
};

struct SweepSpec {
  std::vector<std::string> stop_slo;  // empty in the file -> the scenario's slo
  Where where;
};

struct NamedLoad {
  std::string name;
  std::vector<LoadLevel> levels;   // at least one
  loadgen::LoadConfig base;        // warmup, duration, limits and seed; pattern comes from a level
  std::optional<SweepSpec> sweep;  // set for sweep loads: levels are its steps
};

/// `exclude` entry: a cell is dropped when every axis listed matches one of its values.
struct ExcludeRule {
  std::vector<std::pair<std::string, std::vector<std::string>>> match;
  Where where;
};

/// A matrix axis as written: the axis name and the names it takes (all defined ones if omitted).
struct AxisSpec {
  std::string name;
  std::vector<std::pair<std::string, Where>> values;
};

struct ScenarioSpec {
  std::string name, description;
  std::uint64_t seed = 1;
  Defaults defaults;
  std::vector<NamedTarget> targets;
  std::vector<NamedModel> models;
  std::vector<NamedWorkload> workloads;
  std::vector<NamedLoad> loads;
  std::vector<AxisSpec> matrix;  // only the axes the file lists
  std::vector<ExcludeRule> excludes;
  Where matrix_where;
  int repeat = 1;
  Order order = Order::Interleaved;
  std::vector<std::string> slo;
  std::optional<GateSpec> gate;
  OutputOptions output;
};

}  // namespace deploybench::scenario::detail
