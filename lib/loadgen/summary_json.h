#pragma once
// A LoadResult as one JSON object (deploybench probe --json): counts, rates, and each latency
// metric as an object of percentiles whose key carries the unit, e.g. "ttft_ms": {"p50": 12.3}.
#include <string>

#include "loadgen/load_generator.h"

namespace deploybench::loadgen {

/// Keys: requests, completed, errors, errors_by_kind, duration_s, requests_per_s,
/// output_tokens_per_s, goodput_per_s, ttft_ms, tpot_ms, itl_ms, e2e_ms, service_time_ms,
/// queue_ms, prefill_ms, decode_ms, connect_ms, first_byte_ms (each {count, mean, stddev, min,
/// p50, p90, p95, p99, p999, max}), cold_ttft_ms, model, generator {threads, cpu_seconds,
/// max_thread_busy, lag_p99_ms}, valid, invalid_reasons.
std::string summary_json(const LoadResult& result, int indent = -1);

}  // namespace deploybench::loadgen
