#pragma once
// YAML -> ScenarioSpec, one section per file (targets, models and workloads, loads, top level).
// Each function records every problem in the Reader and fills what it could read.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <string>

#include "scenario/detail/spec.h"
#include "scenario/detail/yaml_reader.h"

namespace deploybench::scenario::detail {

struct ParseContext {
  Reader& reader;
  std::filesystem::path base_dir;  // relative input paths resolve against the scenario's directory
  const Defaults& defaults;
  std::uint64_t seed = 1;  // the scenario seed, used where an entry gives none
};

/// Parses the whole document (the root mapping).
ScenarioSpec parse_spec(Reader& reader, const YAML::Node& root, const std::filesystem::path& base_dir);

void parse_targets(ParseContext& ctx, const Field& section, std::vector<NamedTarget>& out);
void parse_models(ParseContext& ctx, const Field& section, std::vector<NamedModel>& out);
void parse_workloads(ParseContext& ctx, const Field& section, std::vector<NamedWorkload>& out);
void parse_loads(ParseContext& ctx, const Field& section, std::vector<NamedLoad>& out);
/// Reads `matrix:` (axes and exclude rules), checking every name against the defined entries.
void parse_matrix(Reader& reader, const Field& section, ScenarioSpec& spec);

/// The entries of a named section (`targets:`, `loads:` ...), each name checked to be usable in
/// cell ids and --only filters.
std::vector<Field> named_entries(Reader& reader, const Field& section, std::string_view what);
/// Reads a path and resolves it against base_dir; reports it when `must_exist` and missing.
std::optional<std::filesystem::path> read_path(ParseContext& ctx, const Field& f, bool must_exist);
/// Reads a list of threshold expressions, each checked by the Reader's ThresholdCheck.
std::vector<std::string> read_slo_list(Reader& reader, const Field& f);

}  // namespace deploybench::scenario::detail
