#pragma once
// A log-linear latency histogram with HdrHistogram semantics (Gil Tene's HdrHistogram, as wrk2
// uses it): values below 2048 ns are kept exactly, and above that every power-of-two range is
// split into 1024 equal slots, so any recorded value is known to within 1/1024 (< 0.1%), i.e.
// 3 significant digits. Histograms of the same range merge by adding counts, so each worker
// records into its own one without locks and they are merged after the run (style guide 2.2,
// measurement rule 5).
//
// Percentile definition (nearest rank): the value at percentile p of n samples is the
// ceil(p/100 * n)-th smallest (at least the 1st), reported as the highest value of its slot and
// clamped to the exact [min, max]. Mean and stddev are computed from the slots' midpoints.
#include <cstdint>
#include <vector>

#include "core/units.h"
#include "stats/summary.h"

namespace deploybench::stats {

class LatencyHistogram {
 public:
  /// `highest` is the largest value tracked at full resolution; larger values are clamped into
  /// the top slot and counted in overflow(). The default (1 hour) covers any request timeout.
  explicit LatencyHistogram(Nanos highest = std::chrono::hours{1});

  /// Records one value (negative values count as 0). Returns false if it was above `highest`.
  bool record(Nanos value) { return record_n(value, 1); }
  bool record_n(Nanos value, std::uint64_t n);
  /// Adds every sample of `other`. Both must have been built with the same `highest`.
  void merge(const LatencyHistogram& other);
  void reset();

  std::uint64_t count() const noexcept { return total_; }
  std::uint64_t overflow() const noexcept { return overflow_; }
  Nanos min() const noexcept { return Nanos{total_ ? min_ : 0}; }
  Nanos max() const noexcept { return Nanos{total_ ? max_ : 0}; }
  /// Nearest-rank percentile, p in [0, 100]. 0 when empty.
  Nanos value_at_percentile(double p) const;
  Nanos mean() const;
  Nanos stddev() const;
  Nanos highest() const noexcept { return Nanos{highest_}; }

  /// Slot arithmetic, exposed for tests: the index a value lands in and the value range of a slot.
  static std::size_t slot_of(std::int64_t value) noexcept;
  static std::int64_t slot_low(std::size_t slot) noexcept;
  static std::int64_t slot_high(std::size_t slot) noexcept;

 private:
  std::int64_t highest_;
  std::vector<std::uint64_t> counts_;  // one per slot, up to slot_of(highest_)
  std::uint64_t total_ = 0;
  std::uint64_t overflow_ = 0;
  std::int64_t min_ = 0;
  std::int64_t max_ = 0;
};

/// The summary reported for one metric (count, mean, stddev, min, max, p50 ... p99.9).
MetricSummary summarize(const LatencyHistogram& histogram);

}  // namespace deploybench::stats
