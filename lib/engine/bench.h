#pragma once
// `refbot bench`: prefill and decode throughput per preset, precision, thread count and batch
// size, against the memory roofline measured on this machine in the same run.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "engine/config.h"

namespace deploybench::engine {

struct BenchOptions {
  std::vector<std::string> presets{"tiny", "base"};
  std::vector<Precision> precisions{Precision::Int8, Precision::Fp32};
  std::vector<int> threads{2};
  std::vector<int> batches{1, 8};
  int prompt_tokens = 64;                              // prefill length, also the position decode starts at
  int decode_steps = 64;                               // decode steps per repetition
  int repeats = 3;                                     // repetitions; the median is reported
  std::size_t bandwidth_bytes = std::size_t{1} << 30;  // buffer the bandwidth probe reads
  std::uint64_t seed = 42;
  std::string isa = "auto";  // kernel path (isa_choice.h)
  Status validate() const;
};

/// One timed decode repetition and the bandwidth probed right before and right after it (the
/// host's bandwidth drifts between ~30 and ~60 GB/s over seconds, so each repetition is compared
/// with its own probes, not with probes taken repetitions earlier or later).
struct DecodeRepeat {
  double tok_s = 0;                  // aggregate over the batch
  double bandwidth_before_gb_s = 0;  // best of the probe's passes right before the repetition (and its prefill)
  double bandwidth_after_gb_s = 0;   // and right after it
  double bandwidth_gb_s() const {
    return bandwidth_before_gb_s > bandwidth_after_gb_s ? bandwidth_before_gb_s : bandwidth_after_gb_s;
  }
};

/// The lowest and highest bandwidth probed around a row's repetitions (GB/s); {0, 0} for none.
/// When they differ much, the host's bandwidth moved during the row and its fraction says less.
std::pair<double, double> bandwidth_range(const std::vector<DecodeRepeat>& repeats);

/// The repetition a row reports: the one with the median rate (the lower of the two middle ones
/// for an even count). `repeats` must not be empty.
std::size_t median_repeat(const std::vector<DecodeRepeat>& repeats);

struct BenchRow {
  std::string preset;
  Precision precision = Precision::Int8;
  std::string isa;  // kernel path used
  int threads = 0;
  int batch = 0;
  double prefill_tok_s = 0;             // prompt tokens per second (prompt_tokens long)
  double decode_tok_s = 0;              // aggregate over the batch: the median repetition's rate
  double bandwidth_gb_s = 0;            // DRAM read bandwidth with `threads` threads: the higher of the
                                        // probes right before and right after the median repetition
  std::size_t weight_bytes = 0;         // weights read per decode step
  std::size_t kv_bytes = 0;             // KV cache read per step (all sequences, mean position)
  double roofline_tok_s = 0;            // batch * bandwidth / (weight_bytes + kv_bytes)
  double roofline_fraction = 0;         // decode_tok_s / roofline_tok_s
  double cpu_share = 0;                 // CPU the decode got: process CPU time / (wall * threads); well
                                        // below 1 means other processes competed for the cores or, in
                                        // a VM, the host ran something else on them (steal time in
                                        // /proc/stat: on this host, bursts of 2-5% of a core)
  std::vector<DecodeRepeat> repeats{};  // every timed repetition, in order
};

/// DRAM read bandwidth probe (STREAM-like, read only): `threads` threads each sum their part
/// of a `bytes` buffer. The buffer is allocated and touched once, so it can be re-measured next
/// to each throughput measurement.
class BandwidthProbe {
 public:
  BandwidthProbe(int threads, std::size_t bytes);
  ~BandwidthProbe();
  BandwidthProbe(const BandwidthProbe&) = delete;
  BandwidthProbe& operator=(const BandwidthProbe&) = delete;
  /// GB/s (1e9 bytes/s): the best of `passes` passes.
  double measure(int passes = 3);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Runs every combination; `on_row` sees each row as it completes (for progress output).
Result<std::vector<BenchRow>> run_bench(const BenchOptions& options,
                                        const std::function<void(const BenchRow&)>& on_row = {});

}  // namespace deploybench::engine
