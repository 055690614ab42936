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

class ThreadPool;

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

/// One timed decode repetition. Its steps are interleaved with passes of the bandwidth probe
/// (BandwidthProbe) on the model's own threads: this host's read bandwidth moves between ~23 and
/// ~60 GB/s from one 12 ms pass to the next, so only a probe that samples the same moments as the
/// steps measures the bandwidth they had. A step that reads more than the last-level cache holds
/// is followed by a pass over as many bytes; a model that fits in the cache is probed only before
/// and after its steps (a pass between them would evict its weights).
struct DecodeRepeat {
  double tok_s = 0;                // aggregate over the batch, over the steps' own time
  double bandwidth_gb_s = 0;       // the repetition's probe passes: their bytes / their time
  double bandwidth_low_gb_s = 0;   // its slowest pass
  double bandwidth_high_gb_s = 0;  // and its fastest
  int probe_passes = 0;
};

/// The lowest and highest bandwidth of any probe pass of a row's repetitions (GB/s); {0, 0} for
/// none. When they differ much, the host's bandwidth moved during the row.
std::pair<double, double> bandwidth_range(const std::vector<DecodeRepeat>& repeats);

/// The repetition a row reports: the one with the median rate (the lower of the two middle ones
/// for an even count). `repeats` must not be empty.
std::size_t median_repeat(const std::vector<DecodeRepeat>& repeats);

/// Steps per probe pass for a model whose decode step reads `step_bytes`: 1 when the step must
/// come from DRAM (more than `cache_bytes`: streamed through an LRU cache, nothing of it is left
/// for the next step), else `steps` (probes only around the steps).
int probe_every(std::size_t step_bytes, std::size_t cache_bytes, int steps);

/// The last-level cache's size (sysfs; 32 MiB when it cannot be read).
std::size_t last_level_cache_bytes();

struct BenchRow {
  std::string preset;
  Precision precision = Precision::Int8;
  std::string isa;  // kernel path used
  int threads = 0;
  int batch = 0;
  double prefill_tok_s = 0;             // prompt tokens per second (prompt_tokens long)
  double decode_tok_s = 0;              // aggregate over the batch: the median repetition's rate
  double bandwidth_gb_s = 0;            // DRAM read bandwidth with `threads` threads: the probe passes
                                        // interleaved with the median repetition's steps
  int probe_every_steps = 0;            // decode steps per probe pass (probe_every)
  std::size_t weight_bytes = 0;         // weights read per decode step
  std::size_t kv_bytes = 0;             // KV cache read per step (all sequences, mean position)
  double roofline_tok_s = 0;            // batch * bandwidth / (weight_bytes + kv_bytes)
  double roofline_fraction = 0;         // decode_tok_s / roofline_tok_s
  double cpu_share = 0;                 // CPU the decode and its probe passes got: CPU time / (wall * threads); well
                                        // below 1 means other processes competed for the cores or, in
                                        // a VM, the host ran something else on them (steal time in
                                        // /proc/stat: on this host, bursts of 2-5% of a core)
  std::string fetch{};                  // fp32 on AVX-512: how its kernels fetched weights at the row's end
                                        // (Model::fetch_choice), empty otherwise
  int fetch_switches = 0;               // times that choice changed during the row
  std::vector<DecodeRepeat> repeats{};  // every timed repetition, in order
};

/// DRAM read bandwidth probe (STREAM-like, read only): sums consecutive windows of a buffer on
/// a pool, ~16 contiguous tasks per thread so the pool's stealing balances the threads as it does
/// a matmul's (of the readers measured, plain 64-bit loads this way read fastest: 1.01-1.02x one
/// task per thread, AVX-512 loads 0.92-0.98x, with a T1 prefetch 2 KiB ahead 0.99-1.04x).
class BandwidthProbe {
 public:
  /// Allocates `bytes` (huge pages, like the weights) and touches it on `pool`'s threads.
  BandwidthProbe(ThreadPool& pool, std::size_t bytes);
  ~BandwidthProbe();
  BandwidthProbe(const BandwidthProbe&) = delete;
  BandwidthProbe& operator=(const BandwidthProbe&) = delete;
  std::size_t size() const;
  /// Reads the next `bytes` (at most size(); the window wraps to the start) and returns the
  /// seconds it took.
  double read(std::size_t bytes);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Runs every combination; `on_row` sees each row as it completes (for progress output).
Result<std::vector<BenchRow>> run_bench(const BenchOptions& options,
                                        const std::function<void(const BenchRow&)>& on_row = {});

}  // namespace deploybench::engine
