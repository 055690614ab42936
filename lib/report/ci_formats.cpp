// Exports for CI services.
//  github-action-benchmark: an array of {"name","unit","value","extra"}; one file per direction
//    (tool: customSmallerIsBetter for latencies and error rate, customBiggerIsBetter for throughput).
//  Bencher Metric Format: {"<benchmark>": {"<measure>": {"value": n}}}, measure slugs carry units.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "report/render_parts.h"
#include "result/metric_catalog.h"

namespace deploybench::report {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kSmallerKeys[] = {"ttft_p50", "ttft_p95", "ttft_p99", "e2e_p50",   "e2e_p95",
                                        "e2e_p99",  "tpot_p50", "itl_p95",  "error_rate"};
constexpr const char* kBiggerKeys[] = {"output_tokens_per_s", "requests_per_s", "goodput_per_s"};
constexpr const char* kBencherKeys[] = {"ttft_p50",
                                        "ttft_p95",
                                        "ttft_p99",
                                        "e2e_p50",
                                        "e2e_p95",
                                        "e2e_p99",
                                        "tpot_p50",
                                        "itl_p95",
                                        "error_rate",
                                        "output_tokens_per_s",
                                        "requests_per_s",
                                        "target_cpu_cores",
                                        "target_peak_rss_bytes"};

}  // namespace

std::string render_gha(const result::ResultSet& results, bool bigger_is_better) {
  Json out = Json::array();
  for (const auto& c : results.cells) {
    if (!c.error.empty()) continue;
    const std::string extra = fmt::format("target {} ({}); {} requests; {}", c.target.name, c.target.kind,
                                          c.metrics.requests, c.validity.valid ? "valid" : "INVALID");
    auto emit = [&](const char* key) {
      const auto v = result::metric_value(c, key);
      if (!v) return;
      const auto info = result::metric_info(key);
      out.push_back({{"name", cell_label(c) + " " + key}, {"unit", info->unit}, {"value", *v}, {"extra", extra}});
    };
    if (bigger_is_better)
      for (const char* k : kBiggerKeys) emit(k);
    else
      for (const char* k : kSmallerKeys) emit(k);
  }
  return out.dump(2) + "\n";
}

std::string render_bencher(const result::ResultSet& results) {
  Json out = Json::object();
  for (const auto& c : results.cells) {
    if (!c.error.empty()) continue;
    Json measures = Json::object();
    for (const char* key : kBencherKeys)
      if (const auto v = result::metric_value(c, key)) measures[result::metric_info(key)->column] = {{"value", *v}};
    out[cell_label(c)] = std::move(measures);
  }
  return out.dump(2) + "\n";
}

}  // namespace deploybench::report
