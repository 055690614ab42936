#include "serve/metrics.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>

namespace deploybench::serve {
namespace {

std::vector<double> latency_bounds() {
  return {0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};
}

void metric_head(std::string& out, const std::string& name, const char* type, const std::string& help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void scalar(std::string& out, const std::string& name, const char* type, const std::string& help, double v) {
  metric_head(out, name, type, help);
  out += fmt::format("{} {}\n", name, v);
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds_s) : bounds_(std::move(bounds_s)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(Nanos value) {
  const double s = to_seconds(value);
  std::size_t i = 0;
  while (i < bounds_.size() && s > bounds_[i]) ++i;
  ++counts_[i];
  sum_ += s;
  ++count_;
}

void Histogram::render(std::string& out, const std::string& name, const std::string& help) const {
  metric_head(out, name, "histogram", help);
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += counts_[i];
    out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, bounds_[i], cumulative);
  }
  out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n{}_sum {}\n{}_count {}\n", name, count_, name, sum_, name, count_);
}

ServeMetrics::ServeMetrics() : ttft_(latency_bounds()), per_token_(latency_bounds()) {}

void ServeMetrics::count_request(int http_status) {
  std::lock_guard lock(mu_);
  ++requests_by_status_[http_status];
}

void ServeMetrics::count_prompt_tokens(int n) {
  std::lock_guard lock(mu_);
  prompt_tokens_ += static_cast<std::uint64_t>(n);
}

void ServeMetrics::count_cancelled() {
  std::lock_guard lock(mu_);
  ++cancelled_;
}

void ServeMetrics::observe_ttft(Nanos ttft) {
  std::lock_guard lock(mu_);
  ttft_.observe(ttft);
}

void ServeMetrics::observe_token(Nanos inter_token) {
  std::lock_guard lock(mu_);
  ++generated_tokens_;
  per_token_.observe(inter_token);
}

std::uint64_t ServeMetrics::generated_tokens() const {
  std::lock_guard lock(mu_);
  return generated_tokens_;
}

std::string ServeMetrics::render() const {
  std::string out;
  const ProcessUsage usage = read_process_usage();
  std::lock_guard lock(mu_);
  metric_head(out, "refbot_requests_total", "counter", "HTTP requests answered, by status code.");
  for (const auto& [status, n] : requests_by_status_)
    out += fmt::format("refbot_requests_total{{status=\"{}\"}} {}\n", status, n);
  scalar(out, "refbot_prompt_tokens_total", "counter", "Prompt tokens prefilled.", static_cast<double>(prompt_tokens_));
  scalar(out, "refbot_generation_tokens_total", "counter", "Tokens generated.", static_cast<double>(generated_tokens_));
  scalar(out, "refbot_requests_cancelled_total", "counter", "Generations cancelled because the client went away.",
         static_cast<double>(cancelled_));
  scalar(out, "refbot_queue_depth", "gauge", "Requests waiting for a batch slot.", queue_depth_.load());
  scalar(out, "refbot_batch_size", "gauge", "Sequences in the running batch.", batch_size_.load());
  scalar(out, "refbot_max_batch", "gauge", "Batch slots (--max-batch).", max_batch_.load());
  scalar(out, "refbot_ready", "gauge", "1 once the model is loaded.", ready_.load() ? 1 : 0);
  ttft_.render(out, "refbot_time_to_first_token_seconds", "Arrival to first token (queue + prefill).");
  per_token_.render(out, "refbot_time_per_output_token_seconds", "Gap between consecutive tokens of a sequence.");
  scalar(out, "refbot_process_cpu_seconds_total", "counter", "User plus system CPU time of the process.",
         usage.cpu_seconds);
  scalar(out, "refbot_process_resident_memory_bytes", "gauge", "Resident set size.",
         static_cast<double>(usage.resident_bytes));
  return out;
}

ProcessUsage read_process_usage() {
  ProcessUsage u;
  rusage r{};
  if (::getrusage(RUSAGE_SELF, &r) == 0)
    u.cpu_seconds = static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
                    static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
  std::ifstream statm("/proc/self/statm");  // size resident shared ... (in pages)
  std::uint64_t size = 0, resident = 0;
  if (statm >> size >> resident) u.resident_bytes = resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
  return u;
}

}  // namespace deploybench::serve
