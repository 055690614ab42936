#include "scenario/detail/target_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <utility>

namespace deploybench::scenario::detail {
namespace {

Where target_where(const ScenarioSpec& spec, const std::string& target) {
  const auto it =
      std::find_if(spec.targets.begin(), spec.targets.end(), [&](const NamedTarget& t) { return t.name == target; });
  return it == spec.targets.end() ? Where{} : it->where;
}

}  // namespace

void check_deployed_targets(Reader& reader, const ScenarioSpec& spec, const RunPlan& plan) {
  std::set<std::pair<std::string, std::string>> reported;  // (path, message)
  for (const auto& cell : plan.cells) {
    for (const auto& d : cell.target.validate()) {
      if (!reported.emplace(d.path, d.message).second) continue;
      Where at = target_where(spec, cell.target.name);
      at.path = d.path;
      const auto model = cell.axes.find("model");
      const bool about_model = d.path.find(".model.") != std::string::npos && model != cell.axes.end();
      reader.error(at, about_model ? fmt::format("{} (model '{}')", d.message, model->second) : d.message, d.hint);
    }
  }
}

}  // namespace deploybench::scenario::detail
