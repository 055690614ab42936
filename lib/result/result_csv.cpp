#include "result/result_csv.h"

#include <fmt/format.h>

#include <cmath>

#include "result/metric_catalog.h"

namespace deploybench::result {
namespace {

// Columns that identify a cell, before the metrics.
constexpr const char* kIdColumns[] = {"cell_id", "target", "target_kind", "repetition", "axes", "valid"};

std::string axes_text(const CellResult& c) {
  std::string out;
  for (const auto& [k, v] : c.axes) out += (out.empty() ? "" : ";") + k + "=" + v;
  return out;
}

std::string join_reasons(const std::vector<std::string>& reasons) {
  std::string out;
  for (const auto& r : reasons) out += (out.empty() ? "" : "; ") + r;
  return out;
}

// Integral values (counts, bytes) exactly; others with 6 significant digits.
std::string number_text(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{:.0f}", v);
  return fmt::format("{:.6g}", v);
}

}  // namespace

const std::vector<std::string>& csv_metric_keys() {
  static const std::vector<std::string> kKeys = {"requests",
                                                 "completed",
                                                 "errors",
                                                 "error_rate",
                                                 "duration_s",
                                                 "requests_per_s",
                                                 "output_tokens_per_s",
                                                 "goodput_per_s",
                                                 "ttft_mean",
                                                 "ttft_p50",
                                                 "ttft_p90",
                                                 "ttft_p95",
                                                 "ttft_p99",
                                                 "ttft_max",
                                                 "tpot_mean",
                                                 "tpot_p50",
                                                 "tpot_p95",
                                                 "tpot_p99",
                                                 "itl_p50",
                                                 "itl_p95",
                                                 "itl_p99",
                                                 "e2e_mean",
                                                 "e2e_p50",
                                                 "e2e_p90",
                                                 "e2e_p95",
                                                 "e2e_p99",
                                                 "e2e_max",
                                                 "service_time_p50",
                                                 "service_time_p95",
                                                 "queue_p50",
                                                 "queue_p95",
                                                 "prefill_p50",
                                                 "prefill_p95",
                                                 "decode_p50",
                                                 "decode_p95",
                                                 "connect_p50",
                                                 "connect_p95",
                                                 "first_byte_p50",
                                                 "first_byte_p95",
                                                 "target_cpu_s",
                                                 "target_cpu_cores",
                                                 "target_peak_rss_bytes",
                                                 "generator_cpu_s",
                                                 "schedule_lag_p99_ms"};
  return kKeys;
}

std::string csv_field(std::string_view value) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (const char ch : value) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string to_csv(const ResultSet& results) {
  std::string out;
  for (const char* id : kIdColumns) out += std::string(id) + ",";
  for (const auto& key : csv_metric_keys()) out += metric_info(key)->column + ",";
  out += "validity_reasons,error\n";
  for (const auto& c : results.cells) {
    out += fmt::format("{},{},{},{},{},{},", csv_field(c.cell_id), csv_field(c.target.name), csv_field(c.target.kind),
                       c.repetition, csv_field(axes_text(c)), c.validity.valid ? "true" : "false");
    for (const auto& key : csv_metric_keys()) {
      const auto v = metric_value(c, key);
      if (v) out += number_text(*v);
      out += ",";
    }
    out += csv_field(join_reasons(c.validity.reasons)) + "," + csv_field(c.error) + "\n";
  }
  return out;
}

}  // namespace deploybench::result
