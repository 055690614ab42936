#pragma once
// Serving overhead: generated tokens/s through refbot's HTTP stack (loopback, SSE, scheduler)
// next to the in-process rate of the same model, prompt, output length, batch and threads.
// Both sides count the same work (one prefill then tokens-1 decode steps per sequence, from
// the start of the request to its last token) and run in pairs, back to back, so the noise of
// a shared machine hits both sides of a pair alike.
#include <string>
#include <vector>

#include "core/error.h"
#include "engine/config.h"

namespace deploybench::serve {

struct OverheadOptions {
  engine::ModelOptions model;  // model.max_sequences is the batch
  int tokens = 128;            // generated per sequence (max_tokens = min_tokens)
  int repetitions = 5;         // pairs of runs
  std::string question = "What is continuous batching?";
};

/// One in-process run and one HTTP run, back to back (the order alternates between pairs).
struct OverheadPair {
  double inprocess_tok_s = 0;
  double http_tok_s = 0;  // by the client's clock: request sent to the stream's end
  /// By the server's own clock (Server-Timing: queue + prefill + decode of the slowest
  /// sequence): the part of the overhead that is scheduling rather than HTTP, JSON and client.
  double server_tok_s = 0;
  double overhead() const { return inprocess_tok_s > 0 ? 1.0 - http_tok_s / inprocess_tok_s : 0; }
};

struct OverheadResult {
  std::string description;  // the model, as /v1/models describes it
  int batch = 1;
  int tokens = 0;
  int prompt_tokens = 0;
  std::vector<OverheadPair> pairs;
  // Medians over the pairs, each column on its own.
  double inprocess_tok_s = 0;
  double http_tok_s = 0;
  double server_tok_s = 0;
  /// Median of the pairs' overheads: each pair compares runs a fraction of a second apart,
  /// so a slow phase of the machine (other tenants) cancels within the pair instead of
  /// landing on one side of the median.
  double overhead = 0;
  double overhead_min = 0, overhead_max = 0;  // range over the pairs
};

Result<OverheadResult> measure_serving_overhead(const OverheadOptions& options);

}  // namespace deploybench::serve
