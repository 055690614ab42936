#include "serve/generation_body.h"

#include <fmt/format.h>

#include "openai/sse.h"

namespace deploybench::serve {

std::string server_timing(const openai::ServerTimings& t, bool with_decode) {
  std::string out = fmt::format("queue;dur={:.3f}, prefill;dur={:.3f}", t.queue_ms, t.prefill_ms);
  if (with_decode) out += fmt::format(", decode;dur={:.3f}", t.decode_ms);
  return out;
}

GenerationBody::GenerationBody(std::shared_ptr<Generation> generation, BodyContext context, ServeMetrics& metrics)
    : generation_(std::move(generation)), ctx_(std::move(context)), metrics_(metrics) {}

GenerationBody::~GenerationBody() {
  if (!done_) generation_->cancel();  // the client went away (or the server is stopping)
}

openai::StreamChunk GenerationBody::chunk() const {
  openai::StreamChunk c;
  c.id = ctx_.id;
  c.model = ctx_.model;
  c.created = ctx_.created;
  return c;
}

BodyStream::Poll GenerationBody::next(std::string& out, Nanos timeout) {
  if (done_) return Poll::End;
  events_.clear();
  if (!generation_->wait(events_, timeout)) return Poll::Pending;
  for (auto& event : events_) {
    if (auto* t = std::get_if<TokenEvent>(&event)) on_token(*t, out);
    if (auto* f = std::get_if<FinishEvent>(&event)) on_finish(*f, out);
    if (auto* e = std::get_if<FailEvent>(&event)) on_fail(*e, out);
    if (done_) return Poll::End;
  }
  // A non-streamed body is only worth sending whole; keep the server polling for disconnects.
  return ctx_.stream ? Poll::Data : Poll::Pending;
}

void GenerationBody::on_token(TokenEvent& e, std::string& out) {
  if (e.timings) first_timings_ = e.timings;
  if (!ctx_.stream) {
    content_ += e.text;
    return;
  }
  if (!started_ && ctx_.api == openai::Api::Chat) {  // role announcement, without content
    auto c = chunk();
    c.role = "assistant";
    out += openai::sse_data(openai::to_json(c, ctx_.api));
  }
  started_ = true;
  auto c = chunk();
  c.content = std::move(e.text);
  out += openai::sse_data(openai::to_json(c, ctx_.api));
}

void GenerationBody::on_finish(const FinishEvent& e, std::string& out) {
  done_ = true;
  final_timings_ = e.timings;
  if (!first_timings_) first_timings_ = e.timings;
  if (!ctx_.stream) {
    openai::Completion c{ctx_.id, ctx_.model, ctx_.created, std::move(content_), e.reason, e.usage, e.timings};
    out += openai::to_json(c, ctx_.api);
    return;
  }
  auto c = chunk();
  c.finish_reason = e.reason;
  if (ctx_.api == openai::Api::Text) c.content = "";
  c.timings = e.timings;
  out += openai::sse_data(openai::to_json(c, ctx_.api));
  if (ctx_.include_usage) {
    auto u = chunk();
    u.usage = e.usage;
    u.timings = e.timings;
    out += openai::sse_data(openai::to_json(u, ctx_.api));
  }
  out += openai::kSseDone;
}

void GenerationBody::on_fail(const FailEvent& e, std::string& out) {
  done_ = true;
  if (!ctx_.stream || !started_) status_ = e.error.status;
  if (ctx_.stream && started_) {  // headers are out: report in-band, as vLLM does
    out += openai::sse_data(openai::to_json(e.error));
    out += openai::kSseDone;
    return;
  }
  out.clear();
  out += openai::to_json(e.error);
}

void GenerationBody::late_head(int& status, std::string& content_type, Headers& headers) {
  status = status_;
  metrics_.count_request(status_);
  if (status_ != 200) {  // failed before the first token: a plain JSON error
    content_type = "application/json";
    return;
  }
  const auto& t = ctx_.stream ? first_timings_ : final_timings_;
  if (t) headers.emplace_back("Server-Timing", server_timing(*t, !ctx_.stream));
}

Headers GenerationBody::trailers() {
  if (!final_timings_) return {};
  return {{"Server-Timing", server_timing(*final_timings_)}};
}

}  // namespace deploybench::serve
