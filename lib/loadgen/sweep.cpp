#include "loadgen/sweep.h"

#include <fmt/core.h>

#include <algorithm>

namespace deploybench::loadgen {
namespace {

std::string label_of(const LoadPattern& p) {
  if (const auto* c = std::get_if<ClosedLoop>(&p)) return fmt::format("c{}", c->concurrency);
  return fmt::format("{:.3g}/s", std::get<OpenLoop>(p).rate_per_s);
}

Result<SweepLevel> run_level(const Endpoint& endpoint, const WorkloadConfig& workload, LoadConfig load,
                             LoadPattern pattern, const RunOptions& options) {
  load.pattern = pattern;
  auto r = run_load(endpoint, workload, load, options);
  if (!r) return std::move(r).error();
  return SweepLevel{label_of(pattern), std::move(pattern), std::move(r).value()};
}

}  // namespace

Result<std::vector<SweepLevel>> run_sweep(const Endpoint& endpoint, const WorkloadConfig& workload,
                                          const LoadConfig& base, const std::vector<LoadPattern>& levels,
                                          const RunOptions& options) {
  std::vector<SweepLevel> out;
  for (const auto& pattern : levels) {
    auto level = run_level(endpoint, workload, base, pattern, options);
    if (!level) return std::move(level).error();
    out.push_back(std::move(level).value());
    if (out.back().result.interrupted) break;
  }
  return out;
}

std::vector<double> sweep_rates(double synchronous_rate, double saturated_rate, int count) {
  const double hi = std::max(synchronous_rate, saturated_rate);
  // A target that does not scale with users (hi == lo) is probed from half its rate upwards.
  const double lo =
      std::min(synchronous_rate, saturated_rate) < hi ? std::min(synchronous_rate, saturated_rate) : hi / 2;
  std::vector<double> rates;
  for (int i = 1; i <= count; ++i) rates.push_back(lo + (hi - lo) * i / count);
  return rates;
}

Result<CapacitySweepResult> capacity_sweep(const Endpoint& endpoint, const WorkloadConfig& workload,
                                           const LoadConfig& base, const CapacitySweepConfig& config,
                                           const SloPredicate& meets_slo, const RunOptions& options) {
  if (config.rates < 1 || config.saturation_concurrency < 1)
    return make_error(ErrorCode::InvalidArgument,
                      fmt::format("capacity sweep needs rates >= 1 and saturation_concurrency >= 1, got {} and {}",
                                  config.rates, config.saturation_concurrency));
  CapacitySweepResult out;
  auto bounds = run_sweep(endpoint, workload, base,
                          {ClosedLoop{1, Nanos{0}}, ClosedLoop{config.saturation_concurrency, Nanos{0}}}, options);
  if (!bounds) return std::move(bounds).error();
  out.levels = std::move(bounds).value();
  if (out.levels.size() < 2 || out.levels[1].result.interrupted) return out;
  out.synchronous_rate = out.levels[0].result.metrics.requests_per_s;
  out.saturated_rate = out.levels[1].result.metrics.requests_per_s;
  if (out.saturated_rate <= 0 && out.synchronous_rate <= 0)
    return make_error(ErrorCode::Failed, "capacity sweep: no request completed in the bounding runs",
                      "check the endpoint with 'deploybench probe' first");
  std::vector<LoadPattern> rates;
  for (double rate : sweep_rates(out.synchronous_rate, out.saturated_rate, config.rates)) {
    OpenLoop p;
    p.rate_per_s = rate;
    p.arrival = config.arrival;
    p.burstiness = config.burstiness;
    p.max_in_flight = config.max_in_flight;
    rates.push_back(p);
  }
  auto levels = run_sweep(endpoint, workload, base, rates, options);
  if (!levels) return std::move(levels).error();
  for (auto& level : *levels) {
    const std::size_t index = out.levels.size();
    const double rate = std::get<OpenLoop>(level.pattern).rate_per_s;
    if (level.result.validity.valid && meets_slo(level.result) && (!out.best_rate || rate > *out.best_rate)) {
      out.best_rate = rate;
      out.best_level = index;
    }
    out.levels.push_back(std::move(level));
  }
  return out;
}

}  // namespace deploybench::loadgen
