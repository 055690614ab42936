#pragma once
// Serving overhead: generated tokens/s through refbot's HTTP stack (loopback, SSE, scheduler)
// next to the in-process rate of the same model, prompt, output length, batch and threads.
// Both sides count the same work (one prefill then tokens-1 decode steps per sequence, from
// the start of the request to its last token). The runs strictly alternate, in-process first
// and last, and every HTTP run is compared with the in-process runs just before and after
// it: on a shared VM the decode rate drifts by tens of percent within seconds (other tenants
// share the L3 cache that holds the weights), and the two neighbours cancel that drift.
#include <string>
#include <vector>

#include "core/error.h"
#include "core/units.h"
#include "engine/config.h"
#include "serve/thread_stats.h"

namespace deploybench::serve {

struct OverheadOptions {
  engine::ModelOptions model;  // model.max_sequences is the batch
  int tokens = 128;            // generated per sequence (max_tokens = min_tokens)
  /// Measuring time (after warm-up): HTTP runs continue until it is spent.
  Nanos duration = std::chrono::seconds(30);
  int repetitions = 0;                      // > 0: exactly this many HTTP runs instead of the time budget
  int warmup = 3;                           // pairs of runs before the measurement, discarded
  int client_pollers = -1;                  // the server's SchedulerOptions::client_pollers
  Nanos client_spin_below = Nanos::zero();  // SchedulerOptions::client_spin_below
  /// Run each in-process measurement on the CPU where the server's scheduler thread ran in
  /// the previous HTTP run. The kernel places that thread, while the benchmark's main thread
  /// tends to stay where the process started; on a VM whose vCPUs differ in speed (one of
  /// them takes the block-device interrupts of every build on the machine) the pairs would
  /// otherwise compare CPUs, not serving.
  bool same_cpu = true;
  std::string question = "What is continuous batching?";
};

/// One HTTP run and the in-process runs just before and after it.
struct OverheadPair {
  double inprocess_before = 0, inprocess_after = 0;  // tokens/s
  double http_tok_s = 0;                             // by the client's clock: request sent to the stream's end
  /// By the server's own clock (Server-Timing: queue + prefill + decode of the slowest
  /// sequence): the part of the overhead that is scheduling rather than HTTP, JSON and client.
  double server_tok_s = 0;
  /// Over the wall time of the server's prefill and decode calls alone: below the in-process
  /// rate when the engine itself runs slower in the server; the rest of the server clock's gap
  /// is the scheduler's work between the calls.
  double engine_tok_s = 0;
  /// The thread doing the decoding on each side over its timed run: the in-process run
  /// before, and the server's scheduler thread (zeros where /proc lacks the counters).
  ThreadStats inprocess_thread, engine_thread;
  /// The two neighbours together: all their tokens over all their time (harmonic mean).
  double inprocess_tok_s() const;
  double overhead() const;
};

struct OverheadResult {
  std::string description;  // the model, as /v1/models describes it
  int batch = 1;
  int tokens = 0;
  int prompt_tokens = 0;
  int warmup_pairs = 0;
  double seconds = 0;  // measuring wall time, warm-up excluded
  std::vector<OverheadPair> pairs;
  // Medians over the pairs, each column on its own.
  double inprocess_tok_s = 0;
  double http_tok_s = 0;
  double server_tok_s = 0;
  double engine_tok_s = 0;
  /// Median of the pairs' overheads, with their interquartile range and a 95% interval for
  /// the median (moving-block bootstrap over the pairs in order; below 10 pairs, the range).
  double overhead = 0;
  double overhead_q1 = 0, overhead_q3 = 0;
  double overhead_ci_low = 0, overhead_ci_high = 0;
  double overhead_min = 0, overhead_max = 0;  // range over the pairs
};

Result<OverheadResult> measure_serving_overhead(const OverheadOptions& options);

}  // namespace deploybench::serve
