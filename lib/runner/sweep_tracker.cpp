#include "runner/sweep_tracker.h"

#include <fmt/format.h>


#include "compare/threshold.h"
#include "loadgen/sweep.h"
#include "result/metric_catalog.h"

namespace deploybench::runner {

using scenario::SweepRole;

std::optional<std::string> sweep_stop_reason(const scenario::Cell& cell, const result::CellResult& r) {
  if (!cell.sweep) return std::nullopt;
  if (!r.error.empty()) return "the step failed: " + r.error;
  for (const auto& expr : cell.sweep->stop_slo) {
    auto t = compare::parse_threshold(expr);
    if (!t.ok()) return "bad stop SLO '" + expr + "': " + t.error().message;
    const auto v = result::metric_value(r, t->metric);
    if (!v || !compare::satisfies(*t, *v)) return fmt::format("'{}' not met", expr);
  }
  return std::nullopt;
}

std::optional<std::string> SweepTracker::skip_reason(const scenario::Cell& cell) const {
  if (!cell.sweep) return std::nullopt;
  const auto it = groups_.find(cell.sweep->group);
  const Group* g = it == groups_.end() ? nullptr : &it->second;
  if (g && g->stopped) return "an earlier sweep step missed its SLO";
  if (cell.sweep->role == SweepRole::AutoRate && (!g || !g->synchronous_rate || !g->saturated_rate))
    return "the sweep's synchronous or saturating step completed no requests, so its rates are unknown";
  return std::nullopt;
}

scenario::Cell SweepTracker::resolve(const scenario::Cell& cell) const {
  scenario::Cell out = cell;
  if (!cell.sweep || cell.sweep->role != SweepRole::AutoRate) return out;
  const Group& g = groups_.at(cell.sweep->group);
  const auto rates = loadgen::sweep_rates(*g.synchronous_rate, *g.saturated_rate, cell.sweep->rate_count);
  scenario::set_sweep_rate(out, rates.at(static_cast<std::size_t>(cell.sweep->rate_index)));
  return out;
}

void SweepTracker::record(const scenario::Cell& cell, result::CellResult& r) {
  if (!cell.sweep) return;
  const auto& s = *cell.sweep;
  Group& g = groups_[s.group];
  if (s.role == SweepRole::Synchronous || s.role == SweepRole::Saturating) {
    // The bounds are measured, not judged: a saturating step is expected to miss the SLO.
    if (r.error.empty() && r.metrics.completed > 0)
      (s.role == SweepRole::Synchronous ? g.synchronous_rate : g.saturated_rate) = r.metrics.requests_per_s;
    if (s.role == SweepRole::Saturating && g.synchronous_rate && g.saturated_rate) {
      const auto rates = loadgen::sweep_rates(*g.synchronous_rate, *g.saturated_rate, s.count - s.index - 1);
      log_(fmt::format("sweep {}: 1 user completed {:.3g} req/s, {} users {:.3g} req/s; trying {:.3g}..{:.3g} req/s",
                       s.group, *g.synchronous_rate, cell.axes.at("concurrency"), *g.saturated_rate, rates.front(),
                       rates.back()));
    }
    return;
  }
  const auto why = sweep_stop_reason(cell, r);
  r.sweep_slo_met = !why.has_value();
  if (why) {
    g.stopped = true;
    log_(fmt::format("sweep {}: stopping after step {} of {}: {}; highest level meeting the SLO: {}", s.group,
                     s.index + 1, s.count, *why, g.best_level.empty() ? "none" : g.best_level));
    return;
  }
  const auto* rate = result::find_setting(cell.settings, "load.rate");
  g.best_level = rate ? "rate " + *rate : cell.id;
  if (s.index + 1 == s.count)
    log_(fmt::format("sweep {}: every step met the SLO; highest level: {}", s.group, g.best_level));
}

}  // namespace deploybench::runner
