#include "runner/goodput_slo.h"

#include <algorithm>

#include "compare/threshold.h"

namespace deploybench::runner {
namespace {

// The request bound `t` sets ("ttft", "tpot" or "e2e"), or nullptr.
std::optional<Nanos>* bound_for(loadgen::GoodputSlo& slo, const compare::Threshold& t) {
  const bool upper = t.op == compare::Comparator::Less || t.op == compare::Comparator::LessEqual;
  const auto sep = t.metric.rfind('_');
  if (t.kind != compare::ThresholdKind::Absolute || !upper || sep == std::string::npos) return nullptr;
  const std::string summary = t.metric.substr(0, sep), aggregate = t.metric.substr(sep + 1);
  if (aggregate == "stddev") return nullptr;
  if (summary == "ttft") return &slo.ttft;
  if (summary == "tpot") return &slo.tpot;
  if (summary == "e2e") return &slo.e2e;
  return nullptr;
}

}  // namespace

std::optional<loadgen::GoodputSlo> goodput_slo_of(std::span<const std::string> slo_exprs) {
  if (slo_exprs.empty()) return std::nullopt;
  loadgen::GoodputSlo slo;
  for (const auto& expr : slo_exprs) {
    const auto t = compare::parse_threshold(expr);
    if (!t) continue;
    auto* bound = bound_for(slo, *t);
    if (!bound) continue;
    const Nanos limit = from_millis(t->value);
    *bound = *bound ? std::min(**bound, limit) : limit;
  }
  return slo;
}

}  // namespace deploybench::runner
