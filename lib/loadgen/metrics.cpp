#include "loadgen/metrics.h"

namespace deploybench::loadgen {
namespace {

std::optional<stats::MetricSummary> optional_summary(const stats::LatencyHistogram& h) {
  if (h.count() == 0) return std::nullopt;
  return stats::summarize(h);
}

void record_ms(stats::LatencyHistogram& h, float ms) {
  if (ms >= 0) h.record(from_millis(ms));
}

}  // namespace

std::optional<Nanos> tpot_of(const RequestRecord& r) {
  if (r.output_tokens < 2 || r.first_token == kNever || r.done == kNever) return std::nullopt;
  return (r.done - r.first_token) / (r.output_tokens - 1);
}

bool GoodputSlo::met_by(const RequestRecord& r, bool from_schedule) const {
  if (!r.ok()) return false;
  const Nanos start = latency_start(r, from_schedule);
  if (ttft && (r.first_token == kNever || r.first_token - start > *ttft)) return false;
  if (e2e && r.done - start > *e2e) return false;
  if (tpot) {
    const auto t = tpot_of(r);
    if (t && *t > *tpot) return false;
  }
  return true;
}

MetricsAccumulator::MetricsAccumulator(bool latency_from_schedule, std::optional<GoodputSlo> slo)
    : from_schedule_(latency_from_schedule), slo_(std::move(slo)) {}

void MetricsAccumulator::add(const RequestRecord& r) {
  ++requests_;
  if (!r.ok()) {
    ++errors_;
    ++errors_by_kind_[error_key(r.error, r.http_status)];
    return;
  }
  ++completed_;
  output_tokens_ += static_cast<std::uint64_t>(std::max(r.output_tokens, 0));
  input_tokens_ += static_cast<std::uint64_t>(std::max(r.input_tokens, 0));
  const Nanos start = latency_start(r, from_schedule_);
  e2e_.record(r.done - start);
  if (from_schedule_) service_.record(r.done - r.sent);
  if (r.first_token != kNever) ttft_.record(r.first_token - start);
  if (const auto t = tpot_of(r)) tpot_.record(*t);
  record_ms(queue_, r.queue_ms);
  record_ms(prefill_, r.prefill_ms);
  record_ms(decode_, r.decode_ms);
  if (r.connect != kNever) connect_.record(r.tls != kNever ? r.tls : r.connect);
  if (r.first_byte != kNever) first_byte_.record(r.first_byte);
  if (slo_ && slo_->met_by(r, from_schedule_)) ++good_;
}

void MetricsAccumulator::merge(const MetricsAccumulator& o) {
  for (auto [mine, theirs] : {std::pair{&ttft_, &o.ttft_},
                              {&tpot_, &o.tpot_},
                              {&itl_, &o.itl_},
                              {&e2e_, &o.e2e_},
                              {&service_, &o.service_},
                              {&queue_, &o.queue_},
                              {&prefill_, &o.prefill_},
                              {&decode_, &o.decode_},
                              {&connect_, &o.connect_},
                              {&first_byte_, &o.first_byte_}})
    mine->merge(*theirs);
  requests_ += o.requests_;
  completed_ += o.completed_;
  errors_ += o.errors_;
  good_ += o.good_;
  output_tokens_ += o.output_tokens_;
  input_tokens_ += o.input_tokens_;
  for (const auto& [k, v] : o.errors_by_kind_) errors_by_kind_[k] += v;
}

stats::RunMetrics MetricsAccumulator::finish(Nanos duration) const {
  stats::RunMetrics m;
  m.requests = requests_;
  m.completed = completed_;
  m.errors = errors_;
  m.errors_by_kind = errors_by_kind_;
  m.output_tokens = output_tokens_;
  m.input_tokens = input_tokens_;
  m.duration_s = to_seconds(duration);
  if (m.duration_s > 0) {
    m.requests_per_s = static_cast<double>(completed_) / m.duration_s;
    m.output_tokens_per_s = static_cast<double>(output_tokens_) / m.duration_s;
    if (slo_) m.goodput_per_s = static_cast<double>(good_) / m.duration_s;
  }
  m.ttft = stats::summarize(ttft_);
  m.tpot = stats::summarize(tpot_);
  m.itl = stats::summarize(itl_);
  m.e2e = stats::summarize(e2e_);
  if (from_schedule_) m.service_time = stats::summarize(service_);
  m.queue = optional_summary(queue_);
  m.prefill = optional_summary(prefill_);
  m.decode = optional_summary(decode_);
  m.connect = optional_summary(connect_);
  m.first_byte = optional_summary(first_byte_);
  return m;
}

}  // namespace deploybench::loadgen
