#pragma once
// The load generator's one entry point: drive a workload at an endpoint under a load pattern
// and return the metrics of the measured window, with validity checks on the generator itself.
//
//   run start ── warmup ──┬── measured window ──┬── drain (in-flight measured requests finish)
//   Requests started (closed loop) or scheduled (open loop) during warmup are excluded from every
//   statistic. The window's duration runs from its start to the later of its configured end and
//   the last measured completion (or, when stopped by request count, that last completion).
#include <atomic>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/endpoint.h"
#include "core/error.h"
#include "loadgen/load_config.h"
#include "loadgen/metrics.h"
#include "loadgen/record.h"
#include "loadgen/transfer.h"
#include "loadgen/workload_config.h"
#include "stats/run_metrics.h"

namespace deploybench::loadgen {

/// A snapshot for a progress display, taken about once per RunOptions::progress_interval.
struct Progress {
  Nanos elapsed{0};
  bool warmup = true;
  std::uint64_t sent = 0, completed = 0, errors = 0, dropped = 0;  // warmup included
  double rate_per_s = 0;                                           // completions per second over the last interval
};

/// Receives progress on the thread that called run_load (never on a worker).
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void update(const Progress& progress) = 0;
  virtual void finish() {}
};

/// When a cell is not a trustworthy measurement of the target (MLPerf-style validity).
struct ValidityLimits {
  Nanos max_lag_p99{std::chrono::milliseconds{10}};  // the generator sent too late
  double max_thread_busy = 0.9;                      // a worker used this share of a core
  bool drops_invalidate = true;                      // requests dropped at the in-flight cap
  // errors / requests above this: the latencies describe only the requests that succeeded (a
  // prompt too long for some requests, an overloaded target); unset: not checked.
  std::optional<double> max_error_rate = 0.05;
  std::uint64_t min_completed = 1;
};

struct Validity {
  bool valid = true;
  std::vector<std::string> reasons;  // each says what happened and what to change
};

/// How the generator itself fared (self-monitoring).
struct GeneratorHealth {
  int threads = 0;
  double cpu_seconds = 0;      // all worker threads, measured window
  double max_thread_busy = 0;  // highest CPU time / wall time of one worker, in cores
  stats::MetricSummary lag;    // measured sends: handling time - intended time
};

struct RunOptions {
  ProgressSink* progress = nullptr;
  Nanos progress_interval{std::chrono::seconds{1}};
  std::filesystem::path records_jsonl;  // non-empty: write one JSON line per request
  bool keep_records = false;            // also return the records in LoadResult::records
  std::optional<GoodputSlo> slo;        // set: RunMetrics.goodput_per_s is computed
  ValidityLimits limits;
  int threads = 0;                            // worker threads; 0 = one per two cores (http_get: one per core)
  bool http_get = false;                      // send plain GETs to endpoint.base_url (calibration)
  TlsOptions tls;                             // HTTPS verification (model discovery too)
  const std::atomic<bool>* cancel = nullptr;  // set to true to abandon the run
  // Give up when this many requests (warmup included) failed before any succeeded: a target that
  // rejects every request (a prompt over its context, a wrong model name) would otherwise answer
  // a closed loop thousands of times a second. 0: never. vLLM's benchmark stops the same way
  // when its one test request fails.
  std::uint64_t give_up_after_failures = 100;
};

struct LoadResult {
  stats::RunMetrics metrics;
  Validity validity;
  GeneratorHealth generator;
  std::string model;                   // the model id sent (resolved from /v1/models if empty)
  std::optional<double> cold_ttft_ms;  // the run's very first request (TTFT, or E2E if not streamed)
  std::uint64_t warmup_requests = 0;
  std::map<std::string, std::string> error_examples;  // error key -> first response body seen
  std::vector<RequestRecord> records;                 // when RunOptions::keep_records, ordered by scheduled time
  bool interrupted = false;
  // Non-empty when no request succeeded (give_up_after_failures, or a whole window of failures):
  // what failed first, with a hint when deploybench's own inputs are the likely cause.
  std::string failure;
};

Result<LoadResult> run_load(const Endpoint& endpoint, const WorkloadConfig& workload, const LoadConfig& load,
                            const RunOptions& options);

/// The checks behind LoadResult::validity (exposed for tests).
Validity check_validity(const stats::RunMetrics& metrics, const GeneratorHealth& generator, const LoadConfig& load,
                        const ValidityLimits& limits);

/// One JSON object per line: times in ms from the run start, latencies in ms, error key.
Status write_records_jsonl(const std::filesystem::path& path, const std::vector<RequestRecord>& records,
                           bool latency_from_schedule);

/// GET <base_url>/v1/models and return the first model id.
Result<std::string> discover_model(const Endpoint& endpoint, Nanos timeout, const TlsOptions& tls = {});

}  // namespace deploybench::loadgen
