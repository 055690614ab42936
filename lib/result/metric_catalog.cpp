#include "result/metric_catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/units.h"

namespace deploybench::result {
namespace {

struct ScalarDef {
  const char* key;
  const char* column;
  const char* unit;
  UnitKind kind;
  Direction direction;
};

constexpr ScalarDef kScalars[] = {
    {"requests", "requests", "", UnitKind::Count, Direction::HigherIsBetter},
    {"completed", "completed", "", UnitKind::Count, Direction::HigherIsBetter},
    {"errors", "errors", "", UnitKind::Count, Direction::LowerIsBetter},
    {"error_rate", "error_rate_pct", "%", UnitKind::Percent, Direction::LowerIsBetter},
    {"duration_s", "duration_s", "s", UnitKind::Seconds, Direction::HigherIsBetter},
    {"requests_per_s", "requests_per_s", "req/s", UnitKind::PerSecond, Direction::HigherIsBetter},
    {"output_tokens_per_s", "output_tokens_per_s", "tok/s", UnitKind::PerSecond, Direction::HigherIsBetter},
    {"goodput_per_s", "goodput_per_s", "req/s", UnitKind::PerSecond, Direction::HigherIsBetter},
    {"target_cpu_cores", "target_cpu_cores", "cores", UnitKind::Cores, Direction::LowerIsBetter},
    {"target_cpu_s", "target_cpu_s", "s", UnitKind::Seconds, Direction::LowerIsBetter},
    {"target_peak_rss_bytes", "target_peak_rss_bytes", "B", UnitKind::Bytes, Direction::LowerIsBetter},
    {"generator_cpu_s", "generator_cpu_s", "s", UnitKind::Seconds, Direction::LowerIsBetter},
    {"schedule_lag_p99_ms", "schedule_lag_p99_ms", "ms", UnitKind::Millis, Direction::LowerIsBetter},
};

std::optional<double> summary_aggregate(const stats::MetricSummary& s, std::string_view agg) {
  if (s.count == 0) return std::nullopt;
  if (agg == "mean") return to_millis(s.mean);
  if (agg == "stddev") return to_millis(s.stddev);
  if (agg == "min") return to_millis(s.min);
  if (agg == "max") return to_millis(s.max);
  if (agg == "p50") return to_millis(s.p50);
  if (agg == "p90") return to_millis(s.p90);
  if (agg == "p95") return to_millis(s.p95);
  if (agg == "p99") return to_millis(s.p99);
  if (agg == "p999") return to_millis(s.p999);
  return std::nullopt;
}

std::optional<double> scalar_value(const Metrics& m, std::string_view key) {
  const auto count = [](std::uint64_t v) { return static_cast<double>(v); };
  if (key == "requests") return count(m.requests);
  if (key == "completed") return count(m.completed);
  if (key == "errors") return count(m.errors);
  if (key == "error_rate") return error_rate_percent(m);
  if (key == "duration_s") return m.duration_s;
  if (key == "requests_per_s") return m.requests_per_s;
  if (key == "output_tokens_per_s") return m.output_tokens_per_s;
  if (key == "goodput_per_s") return m.goodput_per_s;
  if (key == "target_cpu_cores")
    return m.duration_s > 0 && m.target_cpu_seconds ? std::optional<double>(*m.target_cpu_seconds / m.duration_s)
                                                    : std::nullopt;
  if (key == "target_cpu_s") return m.target_cpu_seconds;
  if (key == "target_peak_rss_bytes")
    return m.target_peak_rss_bytes ? std::optional<double>(count(*m.target_peak_rss_bytes)) : std::nullopt;
  if (key == "generator_cpu_s") return m.generator_cpu_seconds;
  if (key == "schedule_lag_p99_ms") return m.schedule_lag_p99_ms;
  return std::nullopt;
}

// Splits "service_time_p95" into ("service_time", "p95") when both halves are known.
std::optional<std::pair<std::string, std::string>> split_latency_key(std::string_view key) {
  const auto pos = key.rfind('_');
  if (pos == std::string_view::npos) return std::nullopt;
  const std::string summary(key.substr(0, pos)), agg(key.substr(pos + 1));
  const auto& sums = latency_summaries();
  const auto& aggs = latency_aggregates();
  if (std::find(sums.begin(), sums.end(), summary) == sums.end()) return std::nullopt;
  if (std::find(aggs.begin(), aggs.end(), agg) == aggs.end()) return std::nullopt;
  return std::make_pair(summary, agg);
}

}  // namespace

const std::vector<std::string>& latency_summaries() {
  static const std::vector<std::string> kNames = {"ttft",  "tpot",    "itl",    "e2e",     "service_time",
                                                  "queue", "prefill", "decode", "connect", "first_byte"};
  return kNames;
}

const std::vector<std::string>& latency_aggregates() {
  static const std::vector<std::string> kNames = {"mean", "stddev", "min", "max", "p50", "p90", "p95", "p99", "p999"};
  return kNames;
}

std::optional<MetricInfo> metric_info(std::string_view key) {
  for (const auto& s : kScalars)
    if (key == s.key) return MetricInfo{s.key, s.column, s.unit, s.kind, s.direction};
  if (split_latency_key(key))
    return MetricInfo{std::string(key), std::string(key) + "_ms", "ms", UnitKind::Millis, Direction::LowerIsBetter};
  return std::nullopt;
}

std::vector<std::string> all_metric_keys() {
  std::vector<std::string> keys;
  for (const auto& s : kScalars) keys.emplace_back(s.key);
  for (const auto& s : latency_summaries())
    for (const auto& a : latency_aggregates()) keys.push_back(s + "_" + a);
  return keys;
}

const stats::MetricSummary* find_summary(const Metrics& m, std::string_view name) {
  const auto opt = [](const std::optional<stats::MetricSummary>& s) { return s ? &*s : nullptr; };
  if (name == "ttft") return &m.ttft;
  if (name == "tpot") return &m.tpot;
  if (name == "itl") return &m.itl;
  if (name == "e2e") return &m.e2e;
  if (name == "service_time") return opt(m.service_time);
  if (name == "queue") return opt(m.queue);
  if (name == "prefill") return opt(m.prefill);
  if (name == "decode") return opt(m.decode);
  if (name == "connect") return opt(m.connect);
  if (name == "first_byte") return opt(m.first_byte);
  return nullptr;
}

std::optional<double> metric_value(const CellResult& cell, std::string_view key) {
  if (const auto parts = split_latency_key(key)) {
    const auto* s = find_summary(cell.metrics, parts->first);
    return s ? summary_aggregate(*s, parts->second) : std::nullopt;
  }
  return scalar_value(cell.metrics, key);
}

double error_rate_percent(const Metrics& m) {
  return m.requests == 0 ? 0.0 : 100.0 * static_cast<double>(m.errors) / static_cast<double>(m.requests);
}

std::string format_metric_value(double value, std::string_view unit) {
  if (unit == "B" && std::isfinite(value) && value >= 0)
    return format_bytes(static_cast<std::uint64_t>(std::llround(value)));
  return unit.empty() ? fmt::format("{:.4g}", value) : fmt::format("{:.4g} {}", value, unit);
}

std::string format_percent_change(double fraction) {
  std::string text = fmt::format("{:+.1f}%", fraction * 100.0);
  if (text == "-0.0%") text[0] = '+';  // a tiny decrease (or -0.0) rounds to zero: no direction to show
  return text;
}

}  // namespace deploybench::result
