#pragma once
// A deterministic ResultSet shared by the result, report and compare tests (and their golden
// files): two targets (local process, podman container) at two concurrency levels, with every
// optional timing present so the overhead breakdown has something to attribute.
#include <string>

#include "result/run_result.h"

namespace deploybench::testing {

/// Summary whose percentiles grow from `p50_ms` by fixed ratios (a right-skewed latency shape).
inline stats::MetricSummary sample_summary(double p50_ms, std::uint64_t count) {
  stats::MetricSummary s;
  s.count = count;
  s.min = from_millis(p50_ms * 0.6);
  s.p50 = from_millis(p50_ms);
  s.mean = from_millis(p50_ms * 1.1);
  s.stddev = from_millis(p50_ms * 0.25);
  s.p90 = from_millis(p50_ms * 1.5);
  s.p95 = from_millis(p50_ms * 1.75);
  s.p99 = from_millis(p50_ms * 2.25);
  s.p999 = from_millis(p50_ms * 2.75);
  s.max = from_millis(p50_ms * 3.0);
  return s;
}

/// One cell; `net_ms` is the extra network time of the deployment, `concurrency` scales queueing.
inline result::CellResult sample_cell(const std::string& target, const std::string& kind, int concurrency,
                                      double net_ms) {
  result::CellResult c;
  c.cell_id = target + "/tiny-int8/chat/c" + std::to_string(concurrency) + "/r1";
  c.axes = {{"target", target}, {"workload", "chat"}, {"concurrency", std::to_string(concurrency)}};
  c.repetition = 1;
  c.settings = {{"load", "closed concurrency=" + std::to_string(concurrency)}, {"duration", "10s"}, {"warmup", "2s"}};
  c.target = {target, kind, {{"binary_sha256", "ab12cd34"}}};
  c.started_at = "2026-11-24T21:00:0" + std::to_string(concurrency) + "Z";
  // The deployment also queues 0.5 ms longer and has 1 ms the breakdown cannot explain ("rest").
  const double queue = 2.0 * (concurrency - 1) + (net_ms > 0 ? 0.5 : 0.0), prefill = 20.0, decode = 150.0;
  const double client = 0.2 + (net_ms > 0 ? 1.0 : 0.0);
  auto& m = c.metrics;
  m.requests = 40u * static_cast<unsigned>(concurrency);
  m.completed = m.requests - (kind == "container" ? 1 : 0);
  m.errors = m.requests - m.completed;
  if (m.errors && concurrency == 4) m.errors_by_kind["timeout"] = m.errors;
  if (m.errors && concurrency == 1) {
    // A rejected request keeps the server's answer (on two lines, as servers send it).
    m.errors_by_kind["http_429"] = m.errors;
    c.error_examples["http_429"] = "{\"error\": {\"message\": \"queue full\",\n \"type\": \"rate_limit\", \"code\": 429}}";
  }
  m.output_tokens = m.completed * 32;
  m.input_tokens = m.completed * 16;
  m.duration_s = 10.0;
  m.requests_per_s = static_cast<double>(m.completed) / m.duration_s;
  m.output_tokens_per_s = static_cast<double>(m.output_tokens) / m.duration_s;
  m.goodput_per_s = m.requests_per_s * 0.95;
  m.ttft = sample_summary(net_ms + client + queue + prefill, m.completed);
  m.tpot = sample_summary(decode / 31.0, m.completed);
  m.itl = sample_summary(decode / 31.0, m.completed * 31);
  m.e2e = sample_summary(net_ms + client + queue + prefill + decode + 1.0, m.completed);
  m.queue = sample_summary(queue + 0.01, m.completed);
  m.prefill = sample_summary(prefill, m.completed);
  m.decode = sample_summary(decode, m.completed);
  m.connect = sample_summary(0.05 + net_ms / 4, m.completed);
  // refbot sends its headers with the first token: the first byte waits for queue and prefill.
  m.first_byte = sample_summary(0.15 + net_ms + queue + prefill, m.completed);
  m.target_cpu_seconds = 9.5 + concurrency * 0.1;
  m.target_peak_rss_bytes = (kind == "container" ? 80ull : 64ull) << 20;
  m.generator_cpu_seconds = 0.4;
  c.lifecycle = {kind == "container" ? 0.35 : 0.0, kind == "container" ? 0.18 : 0.05, 31.5, 21.0, 60ull << 20};
  for (int i = 0; i <= 10; ++i)
    c.resources.push_back(
        {static_cast<double>(i), 0.9 + 0.01 * i, (60ull << 20) + static_cast<std::uint64_t>(i) * (1u << 20)});
  if (kind == "container" && concurrency == 4) {
    c.validity = {false, {"1 request timed out (error rate 0.6%): raise request_timeout or lower the load"}};
  }
  return c;
}

inline result::ResultSet sample_results() {
  result::ResultSet r;
  auto& m = r.manifest;
  m.run_id = "20261124-210000-smoke";
  m.tool_version = "0.1.0";
  m.git_revision = "0123456789ab";
  m.host_name = "bench-1";
  m.cpu_model = "AMD EPYC 9B14";
  m.kernel = "6.1.0-26-amd64";
  m.os = "Debian GNU/Linux 12 (bookworm)";
  m.cores = 2;
  m.memory_bytes = 24ull << 30;
  m.scenario_name = "local-vs-container";
  m.scenario_file = "scenarios/local-vs-container.yaml";
  m.scenario_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  m.seed = 42;
  m.started_at = "2026-11-24T21:00:00Z";
  m.finished_at = "2026-11-24T21:01:00Z";
  m.status = "complete";
  for (int c : {1, 4}) {
    r.cells.push_back(sample_cell("local", "local", c, 0.0));
    r.cells.push_back(sample_cell("podman", "container", c, 4.0));
  }
  return r;
}

}  // namespace deploybench::testing
