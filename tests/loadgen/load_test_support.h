#pragma once
// Small builders shared by the load generator's integration tests.
#include "loadgen/load_config.h"
#include "loadgen/sse_test_server.h"
#include "loadgen/workload_config.h"

namespace deploybench::testing {

/// A server that answers within a few ms: 2 ms to the first token, 1 ms between tokens.
inline SseServerOptions fast() {
  SseServerOptions o;
  o.first_token_delay = std::chrono::milliseconds{2};
  o.token_interval = std::chrono::milliseconds{1};
  return o;
}

/// Tiny prompts asking for exactly `n` output tokens.
inline loadgen::WorkloadConfig tokens(int n) {
  loadgen::WorkloadConfig w;
  w.input_tokens = loadgen::FixedLength{4};
  w.max_tokens = n;
  return w;
}

/// Closed loop stopped by a request count, no warmup, 5 s per-request timeout.
inline loadgen::LoadConfig by_count(int concurrency, std::uint64_t requests, Nanos think = Nanos{0}) {
  loadgen::LoadConfig l;
  l.pattern = loadgen::ClosedLoop{concurrency, think};
  l.warmup = Nanos{0};
  l.duration = Nanos{0};
  l.max_requests = requests;
  l.request_timeout = std::chrono::seconds{5};
  return l;
}

}  // namespace deploybench::testing
