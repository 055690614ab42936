#include "stats/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "core/check.h"

namespace deploybench::stats {
namespace {
constexpr std::int64_t kExact = 2048;  // values below this have their own slot
constexpr int kHalfBits = 10;          // 1024 slots per power of two above kExact
constexpr std::int64_t kHalf = std::int64_t{1} << kHalfBits;
}  // namespace

std::size_t LatencyHistogram::slot_of(std::int64_t value) noexcept {
  if (value < kExact) return static_cast<std::size_t>(std::max<std::int64_t>(value, 0));
  const int magnitude = 63 - std::countl_zero(static_cast<std::uint64_t>(value));  // >= 11
  const int shift = magnitude - kHalfBits;                                         // >= 1
  const std::int64_t sub = (value >> shift) - kHalf;                               // [0, 1024)
  return static_cast<std::size_t>(kExact + (shift - 1) * kHalf + sub);
}

std::int64_t LatencyHistogram::slot_low(std::size_t slot) noexcept {
  const auto s = static_cast<std::int64_t>(slot);
  if (s < kExact) return s;
  const std::int64_t shift = (s - kExact) / kHalf + 1;
  const std::int64_t sub = (s - kExact) % kHalf;
  return (kHalf + sub) << shift;
}

std::int64_t LatencyHistogram::slot_high(std::size_t slot) noexcept {
  const auto s = static_cast<std::int64_t>(slot);
  if (s < kExact) return s;
  const std::int64_t shift = (s - kExact) / kHalf + 1;
  return slot_low(slot) + (std::int64_t{1} << shift) - 1;
}

LatencyHistogram::LatencyHistogram(Nanos highest)
    : highest_(std::max<std::int64_t>(highest.count(), kExact)), counts_(slot_of(highest_) + 1, 0) {}

bool LatencyHistogram::record_n(Nanos value, std::uint64_t n) {
  std::int64_t v = std::max<std::int64_t>(value.count(), 0);
  const bool in_range = v <= highest_;
  if (!in_range) overflow_ += n;
  if (total_ == 0) {
    min_ = max_ = v;
  } else {
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
  }
  counts_[slot_of(std::min(v, highest_))] += n;
  total_ += n;
  return in_range;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  DEPLOYBENCH_CHECK(other.counts_.size() == counts_.size()) << "merging histograms of different ranges";
  if (other.total_ == 0) return;
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  min_ = total_ ? std::min(min_, other.min_) : other.min_;
  max_ = total_ ? std::max(max_, other.max_) : other.max_;
  total_ += other.total_;
  overflow_ += other.overflow_;
}

void LatencyHistogram::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  total_ = overflow_ = 0;
  min_ = max_ = 0;
}

Nanos LatencyHistogram::value_at_percentile(double p) const {
  if (total_ == 0) return Nanos{0};
  const double clamped = std::clamp(p, 0.0, 100.0);
  auto rank = static_cast<std::uint64_t>(std::ceil(clamped / 100.0 * static_cast<double>(total_)));
  rank = std::clamp<std::uint64_t>(rank, 1, total_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) return Nanos{std::clamp(slot_high(i), min_, max_)};
  }
  return Nanos{max_};
}

Nanos LatencyHistogram::mean() const {
  if (total_ == 0) return Nanos{0};
  double sum = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    const double mid = (static_cast<double>(slot_low(i)) + static_cast<double>(slot_high(i))) / 2.0;
    sum += mid * static_cast<double>(counts_[i]);
  }
  // Slot midpoints can fall outside the exact extremes (e.g. one repeated value): clamp.
  return Nanos{std::clamp<std::int64_t>(std::llround(sum / static_cast<double>(total_)), min_, max_)};
}

Nanos LatencyHistogram::stddev() const {
  if (total_ < 2) return Nanos{0};
  const double m = static_cast<double>(mean().count());
  double acc = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    const double mid = (static_cast<double>(slot_low(i)) + static_cast<double>(slot_high(i))) / 2.0;
    acc += (mid - m) * (mid - m) * static_cast<double>(counts_[i]);
  }
  return Nanos{std::llround(std::sqrt(acc / static_cast<double>(total_)))};
}

MetricSummary summarize(const LatencyHistogram& h) {
  MetricSummary s;
  s.count = h.count();
  if (s.count == 0) return s;
  s.mean = h.mean();
  s.stddev = h.stddev();
  s.min = h.min();
  s.max = h.max();
  s.p50 = h.value_at_percentile(50);
  s.p90 = h.value_at_percentile(90);
  s.p95 = h.value_at_percentile(95);
  s.p99 = h.value_at_percentile(99);
  s.p999 = h.value_at_percentile(99.9);
  return s;
}

}  // namespace deploybench::stats
