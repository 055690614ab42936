#pragma once
// The server's Prometheus metrics (text exposition format 0.0.4). Thread-safe; recording is a
// short critical section, cheap next to a decode step.
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/units.h"

namespace deploybench::serve {

/// Cumulative histogram with fixed upper bounds in seconds.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds_s);
  void observe(Nanos value);
  /// Appends `name_bucket{le=...}`, `name_sum` and `name_count` lines.
  void render(std::string& out, const std::string& name, const std::string& help) const;
  std::uint64_t count() const { return count_; }

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // per bound, not cumulative; last = +Inf
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

class ServeMetrics {
 public:
  ServeMetrics();
  void count_request(int http_status);
  void count_prompt_tokens(int n);
  void count_cancelled();
  void observe_ttft(Nanos ttft);
  void observe_token(Nanos inter_token);  // one generated token and its gap from the previous one
  void set_queue_depth(int n) { queue_depth_.store(n, std::memory_order_relaxed); }
  void set_batch_size(int n) { batch_size_.store(n, std::memory_order_relaxed); }
  void set_ready(bool ready) { ready_.store(ready, std::memory_order_relaxed); }
  void set_max_batch(int n) { max_batch_.store(n, std::memory_order_relaxed); }
  int batch_size() const { return batch_size_.load(std::memory_order_relaxed); }
  int queue_depth() const { return queue_depth_.load(std::memory_order_relaxed); }
  std::uint64_t generated_tokens() const;

  /// Prometheus text: counters, gauges, histograms, then process CPU and resident memory.
  std::string render() const;

 private:
  mutable std::mutex mu_;
  std::map<int, std::uint64_t> requests_by_status_;
  std::uint64_t prompt_tokens_ = 0;
  std::uint64_t generated_tokens_ = 0;
  std::uint64_t cancelled_ = 0;
  Histogram ttft_;
  Histogram per_token_;
  std::atomic<int> queue_depth_{0};
  std::atomic<int> batch_size_{0};
  std::atomic<int> max_batch_{0};
  std::atomic<bool> ready_{false};
};

/// This process's CPU time (user + system) and resident set size, from /proc/self.
struct ProcessUsage {
  double cpu_seconds = 0;
  std::uint64_t resident_bytes = 0;
};
ProcessUsage read_process_usage();

}  // namespace deploybench::serve
