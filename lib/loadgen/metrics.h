#pragma once
// Turns request records into RunMetrics. Metric definitions (README "Metric definitions",
// lib/loadgen/METRICS.md) — "start" is the scheduled send in open loop (coordinated-omission
// correct, as wrk2) and the actual send in closed loop:
//   TTFT          first content token - start
//   E2E           last response byte - start
//   service time  last response byte - actual send (open loop only; equals E2E in closed loop)
//   TPOT          per request, (E2E - TTFT) / (output_tokens - 1), requests with >= 2 tokens
//   ITL           every gap between consecutive token events, pooled over requests
//   goodput       completed requests meeting every per-request SLO, per second of the window
// Only measured (post-warmup) requests count; one accumulator per worker, merged at the end.
#include <map>
#include <optional>
#include <string>

#include "core/units.h"
#include "loadgen/record.h"
#include "stats/latency_histogram.h"
#include "stats/run_metrics.h"

namespace deploybench::loadgen {

/// Per-request service-level objectives for goodput: a request is "good" when it completed and
/// each set bound holds (TPOT is only checked for requests with >= 2 output tokens).
struct GoodputSlo {
  std::optional<Nanos> ttft, tpot, e2e;
  bool empty() const { return !ttft && !tpot && !e2e; }
  bool met_by(const RequestRecord& record, bool latency_from_schedule) const;
};

/// The latency start of a record (see the definitions above).
inline Nanos latency_start(const RequestRecord& r, bool from_schedule) { return from_schedule ? r.scheduled : r.sent; }
/// TPOT of one request, or nullopt when it has fewer than 2 tokens or no first token.
std::optional<Nanos> tpot_of(const RequestRecord& r);

class MetricsAccumulator {
 public:
  explicit MetricsAccumulator(bool latency_from_schedule, std::optional<GoodputSlo> slo = std::nullopt);
  /// Adds one measured request (callers skip warmup records).
  void add(const RequestRecord& record);
  /// Token gaps are recorded here directly as they arrive (only for measured requests).
  stats::LatencyHistogram& itl() { return itl_; }
  void merge(const MetricsAccumulator& other);
  /// The metrics of a measured window that lasted `duration`.
  stats::RunMetrics finish(Nanos duration) const;

 private:
  bool from_schedule_;
  std::optional<GoodputSlo> slo_;
  stats::LatencyHistogram ttft_, tpot_, itl_, e2e_, service_, queue_, prefill_, decode_, connect_, first_byte_;
  std::uint64_t requests_ = 0, completed_ = 0, errors_ = 0, good_ = 0;
  std::uint64_t output_tokens_ = 0, input_tokens_ = 0;
  std::map<std::string, std::uint64_t> errors_by_kind_;
};

}  // namespace deploybench::loadgen
