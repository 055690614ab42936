#include "loadgen/summary_json.h"

#include <nlohmann/json.hpp>

namespace deploybench::loadgen {
namespace {

nlohmann::json summary(const stats::MetricSummary& s) {
  return {{"count", s.count},        {"mean", to_millis(s.mean)}, {"stddev", to_millis(s.stddev)},
          {"min", to_millis(s.min)}, {"p50", to_millis(s.p50)},   {"p90", to_millis(s.p90)},
          {"p95", to_millis(s.p95)}, {"p99", to_millis(s.p99)},   {"p999", to_millis(s.p999)},
          {"max", to_millis(s.max)}};
}

void put(nlohmann::json& j, const char* key, const std::optional<stats::MetricSummary>& s) {
  if (s) j[key] = summary(*s);
}

}  // namespace

std::string summary_json(const LoadResult& r, int indent) {
  const auto& m = r.metrics;
  nlohmann::json j;
  j["requests"] = m.requests;
  j["completed"] = m.completed;
  j["errors"] = m.errors;
  j["errors_by_kind"] = m.errors_by_kind;
  j["duration_s"] = m.duration_s;
  j["requests_per_s"] = m.requests_per_s;
  j["output_tokens_per_s"] = m.output_tokens_per_s;
  j["output_tokens"] = m.output_tokens;
  j["input_tokens"] = m.input_tokens;
  if (m.goodput_per_s) j["goodput_per_s"] = *m.goodput_per_s;
  if (m.ttft.count) j["ttft_ms"] = summary(m.ttft);
  if (m.tpot.count) j["tpot_ms"] = summary(m.tpot);
  if (m.itl.count) j["itl_ms"] = summary(m.itl);
  j["e2e_ms"] = summary(m.e2e);
  put(j, "service_time_ms", m.service_time);
  put(j, "queue_ms", m.queue);
  put(j, "prefill_ms", m.prefill);
  put(j, "decode_ms", m.decode);
  put(j, "connect_ms", m.connect);
  put(j, "first_byte_ms", m.first_byte);
  if (r.cold_ttft_ms) j["cold_ttft_ms"] = *r.cold_ttft_ms;
  if (!r.model.empty()) j["model"] = r.model;
  j["warmup_requests"] = r.warmup_requests;
  j["generator"] = {{"threads", r.generator.threads},
                    {"cpu_seconds", r.generator.cpu_seconds},
                    {"max_thread_busy", r.generator.max_thread_busy},
                    {"lag_p99_ms", to_millis(r.generator.lag.p99)}};
  j["valid"] = r.validity.valid;
  j["invalid_reasons"] = r.validity.reasons;
  if (!r.error_examples.empty()) j["error_examples"] = r.error_examples;
  return j.dump(indent);
}

}  // namespace deploybench::loadgen
