#pragma once
// The one table of numbers a cell exposes to reports, comparisons and gates (anti-pattern 2:
// no parallel field lists). A metric key names a value in its canonical unit:
//
//   latency   := summary '_' aggregate      e.g. "ttft_p95" (milliseconds)
//   summary   := ttft | tpot | itl | e2e | service_time | queue | prefill | decode | connect | first_byte
//   aggregate := mean | stddev | min | max | p50 | p90 | p95 | p99 | p999
//   scalar    := requests | completed | errors | error_rate (%) | duration_s | requests_per_s
//              | output_tokens_per_s | goodput_per_s | target_cpu_cores | target_cpu_s
//              | target_peak_rss_bytes | generator_cpu_s | schedule_lag_p99_ms
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result/run_result.h"

namespace deploybench::result {

enum class Direction { LowerIsBetter, HigherIsBetter };

/// How a threshold's value is written for this metric (and how it is parsed).
enum class UnitKind { Millis, Percent, PerSecond, Bytes, Count, Seconds, Cores };

struct MetricInfo {
  std::string key;     // "ttft_p95"
  std::string column;  // CSV/JSON column carrying the unit: "ttft_p95_ms"
  std::string unit;    // short unit for tables: "ms", "%", "tok/s"
  UnitKind unit_kind = UnitKind::Count;
  Direction direction = Direction::LowerIsBetter;
};

/// Summaries and aggregates in the order reports show them.
const std::vector<std::string>& latency_summaries();
const std::vector<std::string>& latency_aggregates();

/// Describes `key`; nullopt when it names no metric.
std::optional<MetricInfo> metric_info(std::string_view key);
/// Every valid key (for did-you-mean hints).
std::vector<std::string> all_metric_keys();

/// The value of `key` for one cell in its canonical unit; nullopt when the cell lacks it
/// (an optional summary that was not measured, or an empty summary with count 0).
std::optional<double> metric_value(const CellResult& cell, std::string_view key);

/// The summary named `name` ("ttft"); nullptr for an optional summary that is absent.
const stats::MetricSummary* find_summary(const Metrics& metrics, std::string_view name);

/// errors / requests in percent; 0 when there were no requests.
double error_rate_percent(const Metrics& metrics);

/// A metric's value for tables and verdicts: bytes ("B") in binary units as everywhere else
/// ("33.8 MiB"), anything else with 4 significant digits and its unit ("21.4 ms").
std::string format_metric_value(double value, std::string_view unit);

/// A relative change (0.123 = 12.3%) with its sign and one decimal: "+12.3%", "-4.0%"; a change
/// that rounds to zero is "+0.0%", never "-0.0%".
std::string format_percent_change(double fraction);

}  // namespace deploybench::result
