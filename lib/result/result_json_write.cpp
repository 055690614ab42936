// Writer half of results.json (schema in results/README.md).
#include <nlohmann/json.hpp>

#include "result/result_json.h"

namespace deploybench::result {
namespace {

using Json = nlohmann::ordered_json;

Json summary_json(const stats::MetricSummary& s) {
  Json j;
  j["count"] = s.count;
  j["mean_ms"] = to_millis(s.mean);
  j["stddev_ms"] = to_millis(s.stddev);
  j["min_ms"] = to_millis(s.min);
  j["max_ms"] = to_millis(s.max);
  j["p50_ms"] = to_millis(s.p50);
  j["p90_ms"] = to_millis(s.p90);
  j["p95_ms"] = to_millis(s.p95);
  j["p99_ms"] = to_millis(s.p99);
  j["p999_ms"] = to_millis(s.p999);
  return j;
}

void put_optional_summary(Json& j, const char* key, const std::optional<stats::MetricSummary>& s) {
  j[key] = s ? summary_json(*s) : Json(nullptr);
}

template <typename T>
Json optional_json(const std::optional<T>& v) {
  return v ? Json(*v) : Json(nullptr);
}

Json metrics_json(const Metrics& m) {
  Json j;
  j["requests"] = m.requests;
  j["completed"] = m.completed;
  j["errors"] = m.errors;
  j["errors_by_kind"] = Json::object();
  for (const auto& [kind, n] : m.errors_by_kind) j["errors_by_kind"][kind] = n;
  j["output_tokens"] = m.output_tokens;
  j["input_tokens"] = m.input_tokens;
  j["duration_s"] = m.duration_s;
  j["requests_per_s"] = m.requests_per_s;
  j["output_tokens_per_s"] = m.output_tokens_per_s;
  j["goodput_per_s"] = optional_json(m.goodput_per_s);
  j["ttft"] = summary_json(m.ttft);
  j["tpot"] = summary_json(m.tpot);
  j["itl"] = summary_json(m.itl);
  j["e2e"] = summary_json(m.e2e);
  put_optional_summary(j, "service_time", m.service_time);
  put_optional_summary(j, "queue", m.queue);
  put_optional_summary(j, "prefill", m.prefill);
  put_optional_summary(j, "decode", m.decode);
  put_optional_summary(j, "connect", m.connect);
  put_optional_summary(j, "first_byte", m.first_byte);
  j["target_cpu_s"] = optional_json(m.target_cpu_seconds);
  j["target_peak_rss_bytes"] = optional_json(m.target_peak_rss_bytes);
  j["generator_cpu_s"] = m.generator_cpu_seconds;
  j["schedule_lag_p99_ms"] = optional_json(m.schedule_lag_p99_ms);
  return j;
}

Json manifest_json(const Manifest& m) {
  Json j;
  j["run_id"] = m.run_id;
  j["tool_version"] = m.tool_version;
  j["git_revision"] = m.git_revision;
  j["host"] = {{"name", m.host_name}, {"cpu_model", m.cpu_model},
               {"cores", m.cores},    {"memory_bytes", m.memory_bytes},
               {"kernel", m.kernel},  {"os", m.os}};
  j["scenario"] = {{"name", m.scenario_name}, {"file", m.scenario_file}, {"sha256", m.scenario_sha256}};
  j["seed"] = m.seed;
  j["started_at"] = m.started_at;
  j["finished_at"] = m.finished_at;
  j["status"] = m.status;
  return j;
}

Json cell_json(const CellResult& c) {
  Json j;
  j["cell_id"] = c.cell_id;
  j["axes"] = Json::object();
  for (const auto& [k, v] : c.axes) j["axes"][k] = v;
  j["repetition"] = c.repetition;
  j["settings"] = Json::object();
  for (const auto& [k, v] : c.settings) j["settings"][k] = v;
  j["target"] = {{"name", c.target.name}, {"kind", c.target.kind}, {"details", Json::object()}};
  for (const auto& [k, v] : c.target.details) j["target"]["details"][k] = v;
  j["started_at"] = c.started_at;
  j["error"] = c.error;
  j["validity"] = {{"valid", c.validity.valid}, {"reasons", c.validity.reasons}};
  if (!c.error_examples.empty()) j["error_examples"] = c.error_examples;
  if (c.sweep_slo_met) j["sweep_slo_met"] = *c.sweep_slo_met;
  j["metrics"] = metrics_json(c.metrics);
  const auto& l = c.lifecycle;
  j["lifecycle"] = {{"build_s", l.build_s},
                    {"deploy_to_ready_s", l.deploy_to_ready_s},
                    {"cold_ttft_ms", optional_json(l.cold_ttft_ms)},
                    {"warm_ttft_ms", optional_json(l.warm_ttft_ms)},
                    {"idle_rss_bytes", l.idle_rss_bytes}};
  j["resources"] = Json::array();
  for (const auto& p : c.resources)
    j["resources"].push_back({{"t_s", p.t_s}, {"cpu_cores", p.cpu_cores}, {"rss_bytes", p.rss_bytes}});
  return j;
}

}  // namespace

std::string to_json(const ResultSet& results) {
  Json j;
  j["schema_version"] = kSchemaVersion;
  j["manifest"] = manifest_json(results.manifest);
  j["cells"] = Json::array();
  for (const auto& c : results.cells) j["cells"].push_back(cell_json(c));
  return j.dump(2) + "\n";
}

}  // namespace deploybench::result
