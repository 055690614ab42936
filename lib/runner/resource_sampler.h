#pragma once
// Samples a target's cumulative CPU time and resident memory on a background thread while a
// cell's load runs, and turns the cumulative samples into a time series of CPU cores used.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/units.h"
#include "result/run_result.h"
#include "target/target.h"

namespace deploybench::runner {

struct ResourceSummary {
  std::vector<result::ResourcePoint> series;  // one point per interval
  double cpu_seconds = 0;                     // target CPU time from window_start_s to the last sample
  std::uint64_t peak_rss_bytes = 0;
  int samples = 0;
  std::string error;                          // why sampling failed, if it did
};

/// Calls `sample` every `interval` on its own thread between start() and stop().
/// `sample` must be safe to call from that thread while the load generator runs.
class ResourceSampler {
 public:
  using SampleFn = std::function<Result<target::ResourceSample>()>;
  ResourceSampler(SampleFn sample, Nanos interval);
  ~ResourceSampler();
  void start();
  /// Takes a last sample, joins the thread and summarises; `window_start_s` (seconds after
  /// start(), e.g. the load's warmup) is where the CPU time of the measured window begins.
  ResourceSummary stop(double window_start_s = 0);

 private:
  void loop();
  void take();
  SampleFn sample_;
  Nanos interval_;
  TimePoint t0_{};
  std::vector<std::pair<double, target::ResourceSample>> samples_;  // (seconds since start, sample)
  std::string error_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

/// Pure: cumulative samples -> per-interval CPU cores (every sample) and the summary, whose
/// cpu_seconds count from `window_start_s` on (the cumulative CPU time interpolated linearly
/// between the samples around it), so a warmup's CPU is not divided by the measured window's
/// duration. Exposed for tests.
ResourceSummary summarize_samples(const std::vector<std::pair<double, target::ResourceSample>>& samples,
                                  double window_start_s = 0);

}  // namespace deploybench::runner
