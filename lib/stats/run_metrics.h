#pragma once
// The metrics of one measured window, shared by loadgen/ (which computes them) and result/
// (which stores and serialises them). Definitions (also in README "Metric definitions"):
//   TTFT  time to first token: from the request's start (scheduled send in open loop, actual
//         send in closed loop) to the first content token.
//   TPOT  time per output token, one value per request: (E2E - TTFT) / (output_tokens - 1).
//   ITL   inter-token latency: every gap between consecutive tokens, pooled over requests.
//   E2E   end-to-end latency: request start to the last byte of the response.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "stats/summary.h"

namespace deploybench::stats {

struct RunMetrics {
  std::uint64_t requests = 0;      // measured requests attempted (after warmup)
  std::uint64_t completed = 0;     // finished without error
  std::uint64_t errors = 0;        // every error kind, including dropped
  std::map<std::string, std::uint64_t> errors_by_kind;  // "connect", "timeout", "http_503", "dropped"...
  std::uint64_t output_tokens = 0;
  std::uint64_t input_tokens = 0;
  double duration_s = 0;           // measured window
  double requests_per_s = 0;       // completed / duration
  double output_tokens_per_s = 0;
  std::optional<double> goodput_per_s;  // completed requests meeting every SLO, per second
  stats::MetricSummary ttft, tpot, itl, e2e;   // e2e from scheduled send (open loop) or send
  std::optional<stats::MetricSummary> service_time;  // open loop: from the actual send
  std::optional<stats::MetricSummary> queue, prefill, decode;  // refbot Server-Timing
  std::optional<stats::MetricSummary> connect, first_byte;     // client phase timings
  // The target's CPU time during the measured window and its peak resident memory; absent when
  // the target could not be sampled (a remote endpoint), never a made-up 0.
  std::optional<double> target_cpu_seconds;
  std::optional<std::uint64_t> target_peak_rss_bytes;
  double generator_cpu_seconds = 0;
  std::optional<double> schedule_lag_p99_ms;
};

}  // namespace deploybench::stats
