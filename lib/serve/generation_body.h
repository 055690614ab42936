#pragma once
// Turns a Generation's events into an HTTP body: SSE chunks (stream: true) or one completion
// object (stream: false). Destroying it before the end cancels the generation (the server
// drops the body when the client disconnects).
#include <memory>
#include <string>

#include "openai/chat_json.h"
#include "serve/generation.h"
#include "serve/http_types.h"
#include "serve/metrics.h"

namespace deploybench::serve {

struct BodyContext {
  openai::Api api = openai::Api::Chat;
  bool stream = false;
  bool include_usage = false;
  std::string id;  // "chatcmpl-..." / "cmpl-..."
  std::string model;
  std::int64_t created = 0;  // unix seconds
};

/// "queue;dur=1.2, prefill;dur=3.4, decode;dur=56.7" (W3C Server-Timing, milliseconds).
std::string server_timing(const openai::ServerTimings& t, bool with_decode = true);

class GenerationBody final : public BodyStream {
 public:
  GenerationBody(std::shared_ptr<Generation> generation, BodyContext context, ServeMetrics& metrics);
  ~GenerationBody() override;
  Poll next(std::string& out, Nanos timeout) override;
  void late_head(int& status, std::string& content_type, Headers& headers) override;
  Headers trailers() override;

 private:
  void on_token(TokenEvent& e, std::string& out);
  void on_finish(const FinishEvent& e, std::string& out);
  void on_fail(const FailEvent& e, std::string& out);
  openai::StreamChunk chunk() const;

  std::shared_ptr<Generation> generation_;
  BodyContext ctx_;
  ServeMetrics& metrics_;
  std::vector<GenerationEvent> events_;
  bool started_ = false;  // a token was sent
  bool done_ = false;
  int status_ = 200;
  std::string content_;  // non-streamed: the text so far
  std::optional<openai::ServerTimings> first_timings_, final_timings_;
};

}  // namespace deploybench::serve
