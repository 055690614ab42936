#include "scenario/filter.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/text.h"
#include "scenario/detail/expand.h"

namespace deploybench::scenario {
namespace {

std::vector<std::string> values_of(const RunPlan& plan, const std::string& axis) {
  std::set<std::string> seen;
  for (const auto& c : plan.cells) {
    if (auto it = c.axes.find(axis); it != c.axes.end()) seen.insert(it->second);
  }
  return {seen.begin(), seen.end()};
}

Status check_term(const RunPlan& plan, const std::string& axis, const std::vector<std::string>& wanted) {
  std::set<std::string> axes_seen;
  for (const auto& c : plan.cells) {
    for (const auto& [name, value] : c.axes) axes_seen.insert(name);
  }
  const std::vector<std::string> axes(axes_seen.begin(), axes_seen.end());
  if (!axes_seen.count(axis)) {
    auto close = closest_match(axis, axes);
    return make_error(ErrorCode::InvalidArgument, fmt::format("--only: no cell has an axis '{}'", axis),
                      close ? fmt::format("did you mean '{}'?", *close) : fmt::format("axes: {}", join(axes, ", ")));
  }
  const auto values = values_of(plan, axis);
  for (const auto& w : wanted) {
    if (std::find(values.begin(), values.end(), w) != values.end()) continue;
    auto close = closest_match(w, values);
    return make_error(
        ErrorCode::InvalidArgument, fmt::format("--only: no cell has {}={}", axis, w),
        close ? fmt::format("did you mean '{}'?", *close) : fmt::format("{} takes: {}", axis, join(values, ", ")));
  }
  return Ok{};
}

}  // namespace

Result<OnlyFilter> parse_only(std::string_view text) {
  OnlyFilter out;
  for (const auto& term : split(text, ',')) {
    if (term.empty()) continue;
    const std::size_t eq = term.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == term.size()) {
      return make_error(ErrorCode::InvalidArgument, fmt::format("--only: '{}' is not axis=value", term),
                        "e.g. --only target=local,precision=int8");
    }
    const std::string axis = term.substr(0, eq);
    auto it = std::find_if(out.terms.begin(), out.terms.end(), [&](const auto& t) { return t.first == axis; });
    if (it == out.terms.end()) it = out.terms.insert(out.terms.end(), {axis, {}});
    for (const auto& value : split(term.substr(eq + 1), '|')) it->second.push_back(value);
  }
  return out;
}

Result<RunPlan> filter(const RunPlan& plan, const OnlyFilter& only) {
  for (const auto& [axis, wanted] : only.terms) {
    if (auto ok = check_term(plan, axis, wanted); !ok) return ok.error();
  }
  RunPlan out = plan;
  out.cells.clear();
  for (const auto& c : plan.cells) {
    const bool keep = std::all_of(only.terms.begin(), only.terms.end(), [&](const auto& term) {
      auto it = c.axes.find(term.first);
      return it != c.axes.end() && std::find(term.second.begin(), term.second.end(), it->second) != term.second.end();
    });
    if (keep) out.cells.push_back(c);
  }
  if (out.cells.empty()) {
    return make_error(ErrorCode::InvalidArgument, "--only: no cell matches every term",
                      "each term narrows the plan; check the combination with 'deploybench validate'");
  }
  detail::recount(out);
  return out;
}

}  // namespace deploybench::scenario
