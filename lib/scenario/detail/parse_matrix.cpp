// matrix: {target: [..], model: [..], workload: [..], load: [..], exclude: [{axis: value | [values]}]}
// An axis left out takes every defined entry, in file order.
#include <fmt/format.h>

#include "core/text.h"
#include "scenario/detail/axes.h"
#include "scenario/detail/parse.h"

namespace deploybench::scenario::detail {
namespace {

template <typename Named>
std::vector<std::string> names_of(const std::vector<Named>& entries) {
  std::vector<std::string> names;
  for (const auto& e : entries) names.push_back(e.name);
  return names;
}

std::vector<std::string> defined_names(const ScenarioSpec& spec, const std::string& axis) {
  if (axis == "target") return names_of(spec.targets);
  if (axis == "model") return names_of(spec.models);
  if (axis == "workload") return names_of(spec.workloads);
  return names_of(spec.loads);
}

// Reports a name that no section defines, with a "did you mean" hint.
bool check_reference(Reader& r, const ScenarioSpec& spec, const std::string& axis, const std::string& name,
                     const Where& where) {
  const auto defined = defined_names(spec, axis);
  if (std::find(defined.begin(), defined.end(), name) != defined.end()) return true;
  auto close = closest_match(name, defined);
  r.error(where, fmt::format("undefined {} '{}'", axis, name),
          close ? fmt::format("did you mean '{}'?", *close)
                : fmt::format("defined {}s: {}", axis, defined.empty() ? "(none)" : join(defined, ", ")));
  return false;
}

void read_axis(Reader& r, const Field& f, ScenarioSpec& spec) {
  AxisSpec axis{f.key, {}};
  for (const auto& item : read_items(r, f).value_or(std::vector<Field>{})) {
    auto name = read_string(r, item);
    if (!name || !check_reference(r, spec, f.key, *name, item.where)) continue;
    bool duplicate = false;
    for (const auto& [existing, at] : axis.values) duplicate = duplicate || existing == *name;
    if (duplicate) {
      r.error(item.where, fmt::format("{} '{}' is listed twice", f.key, *name), "list each name once");
      continue;
    }
    axis.values.emplace_back(*name, item.where);
  }
  spec.matrix.push_back(std::move(axis));
}

void read_exclude_rule(Reader& r, const Field& rule_field, ScenarioSpec& spec) {
  const std::vector<std::string> axes(kAxisNames.begin(), kAxisNames.end());
  MapView rule(r, rule_field.node, rule_field.path, axes, "an exclude rule");
  if (!rule.is_map()) {
    if (rule_field.node.IsNull())
      r.error(rule_field.where, "an exclude rule is empty", "e.g. - {target: vm, precision: fp32}");
    return;
  }
  ExcludeRule out{{}, rule_field.where};
  for (const auto& f : rule.fields()) {
    std::vector<std::string> values;
    for (const auto& item : read_items(r, f).value_or(std::vector<Field>{})) {
      auto v = read_string(r, item);
      if (!v) continue;
      if (is_reference_axis(f.key) && !check_reference(r, spec, f.key, *v, item.where)) continue;
      values.push_back(*v);
    }
    if (!values.empty()) out.match.emplace_back(f.key, std::move(values));
  }
  if (out.match.size() == rule.fields().size() && !out.match.empty()) spec.excludes.push_back(std::move(out));
}

}  // namespace

void parse_matrix(Reader& r, const Field& section, ScenarioSpec& spec) {
  MapView view(r, section.node, section.path, {"target", "model", "workload", "load", "exclude"}, "'matrix'");
  spec.matrix_where = section.where;
  for (const auto& f : view.fields()) {
    if (f.key != "exclude") {
      read_axis(r, f, spec);
      continue;
    }
    if (!f.node.IsSequence()) {
      r.error(f.where, fmt::format("exclude must be a list of rules, got {}", describe(f.node)),
              "e.g. exclude: [{target: vm, precision: fp32}]");
      continue;
    }
    for (std::size_t i = 0; i < f.node.size(); ++i) {
      const std::string path = fmt::format("{}[{}]", f.path, i);
      read_exclude_rule(r, Field{"exclude", path, f.node[i], r.where(f.node[i], path)}, spec);
    }
  }
}

}  // namespace deploybench::scenario::detail
