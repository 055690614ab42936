#include "runner/resource_sampler.h"

#include <algorithm>

namespace deploybench::runner {

ResourceSampler::ResourceSampler(SampleFn sample, Nanos interval) : sample_(std::move(sample)), interval_(interval) {}

ResourceSampler::~ResourceSampler() {
  if (thread_.joinable()) {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
}

void ResourceSampler::start() {
  t0_ = SteadyClock::now();
  take();
  thread_ = std::thread([this] { loop(); });
}

void ResourceSampler::take() {
  auto s = sample_();
  const double t = to_seconds(SteadyClock::now() - t0_);
  std::lock_guard lock(mu_);
  if (s.ok()) samples_.emplace_back(t, s.value());
  else if (error_.empty()) error_ = s.error().message;
}

void ResourceSampler::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (cv_.wait_for(lock, interval_, [this] { return stopping_; })) break;
    lock.unlock();
    take();
    lock.lock();
  }
}

ResourceSummary ResourceSampler::stop(double window_start_s) {
  if (thread_.joinable()) {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  take();
  std::lock_guard lock(mu_);
  ResourceSummary summary = summarize_samples(samples_, window_start_s);
  if (summary.samples == 0) summary.error = error_.empty() ? "no resource samples" : error_;
  return summary;
}

namespace {

// The cumulative CPU seconds at time `t`: interpolated between the samples around it, the first
// sample's before them, the last one's after.
double cpu_seconds_at(const std::vector<std::pair<double, target::ResourceSample>>& samples, double t) {
  const auto after = std::find_if(samples.begin(), samples.end(), [t](const auto& s) { return s.first >= t; });
  if (after == samples.begin()) return samples.front().second.cpu_seconds;
  if (after == samples.end()) return samples.back().second.cpu_seconds;
  const auto& [t0, s0] = *(after - 1);
  const auto& [t1, s1] = *after;
  return s0.cpu_seconds + (s1.cpu_seconds - s0.cpu_seconds) * (t - t0) / (t1 - t0);
}

}  // namespace

ResourceSummary summarize_samples(const std::vector<std::pair<double, target::ResourceSample>>& samples,
                                  double window_start_s) {
  ResourceSummary out;
  out.samples = static_cast<int>(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const auto& [t, s] = samples[i];
    out.peak_rss_bytes = std::max(out.peak_rss_bytes, s.rss_bytes);
    if (i == 0) continue;
    const auto& [t_prev, prev] = samples[i - 1];
    const double dt = t - t_prev;
    const double dcpu = std::max(0.0, s.cpu_seconds - prev.cpu_seconds);
    out.series.push_back(result::ResourcePoint{t, dt > 0 ? dcpu / dt : 0.0, s.rss_bytes});
  }
  if (samples.size() >= 2)
    out.cpu_seconds = std::max(0.0, samples.back().second.cpu_seconds - cpu_seconds_at(samples, window_start_s));
  return out;
}

}  // namespace deploybench::runner
