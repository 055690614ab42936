#pragma once
// Serving overhead: generated tokens/s through refbot's HTTP stack (loopback, SSE, scheduler)
// next to the in-process rate of the same model, prompt, output length and batch. Both sides
// count the same work (one prefill then tokens-1 decode steps per sequence) and alternate
// run by run, so machine noise hits both alike; medians are reported.
#include <string>

#include "core/error.h"
#include "engine/config.h"

namespace deploybench::serve {

struct OverheadOptions {
  engine::ModelOptions model;  // model.max_sequences is the batch
  int tokens = 128;            // generated per sequence (max_tokens = min_tokens)
  int repetitions = 5;
  std::string question = "What is continuous batching?";
};

struct OverheadResult {
  std::string description;  // the model, as /v1/models describes it
  int batch = 1;
  int tokens = 0;
  int prompt_tokens = 0;
  double inprocess_tok_s = 0;  // median over repetitions
  double http_tok_s = 0;       // median over repetitions
  /// Tokens/s by the server's own clock (Server-Timing: queue + prefill + decode): the part of
  /// the overhead that is scheduling rather than HTTP, JSON and the client.
  double server_tok_s = 0;
  double overhead() const { return inprocess_tok_s > 0 ? 1.0 - http_tok_s / inprocess_tok_s : 0; }
};

Result<OverheadResult> measure_serving_overhead(const OverheadOptions& options);

}  // namespace deploybench::serve
