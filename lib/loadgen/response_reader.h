#pragma once
// Reads one response body as it arrives and turns it into token timestamps, usage and server
// timings. Pure (no curl, no clock): the caller passes the arrival time it took first thing in
// curl's data callback, so it is unit-tested with bytes split at every position.
//
// A token event is a chat.completion.chunk whose choices[0].delta carries "content" (or
// "reasoning_content") and is not the role announcement (OpenAI's first chunk has role and an
// empty content). Streams must end with "data: [DONE]"; anything else is malformed.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/units.h"
#include "loadgen/record.h"
#include "openai/sse.h"
#include "stats/latency_histogram.h"

namespace deploybench::loadgen {

enum class ResponseMode {
  ChatStream,  // SSE chat.completion.chunk events
  ChatJson,    // one chat.completion JSON object
  Plain,       // any body (plain GET): only its arrival is timed
};

class ResponseReader {
 public:
  ResponseReader();
  // The SSE handler captures `this`: a reader stays where it was built.
  ResponseReader(const ResponseReader&) = delete;
  ResponseReader& operator=(const ResponseReader&) = delete;
  /// Starts a new response. Token gaps are recorded into `itl` when it is non-null.
  void reset(ResponseMode mode, stats::LatencyHistogram* itl);
  /// The HTTP status line arrived; bodies of non-2xx responses are kept (briefly) as an example.
  void set_status(int status) { status_ = status; }
  void on_bytes(std::string_view bytes, Nanos arrival);
  /// Call once when the transfer completed without a transport error.
  void finish();
  /// Copies tokens, usage, timings and (if malformed) the error into `record`.
  void fill(RequestRecord& record) const;

  bool malformed() const noexcept { return malformed_; }
  /// The example an error keeps: the first bytes of a non-2xx body, or of a 2xx body that was
  /// malformed (garbage, or a JSON answer to a streamed request), so the user sees what came back.
  const std::string& error_body() const noexcept { return malformed_ && error_body_.empty() ? head_ : error_body_; }

 private:
  void on_event(std::string_view data);
  void on_json(std::string_view text, bool from_stream);

  ResponseMode mode_ = ResponseMode::Plain;
  openai::SseDecoder decoder_;
  stats::LatencyHistogram* itl_ = nullptr;
  Nanos now_{0};
  Nanos first_token_ = kNever, last_token_ = kNever;
  std::int32_t token_events_ = 0;
  std::int32_t usage_completion_ = -1, usage_prompt_ = -1;
  float queue_ms_ = -1, prefill_ms_ = -1, decode_ms_ = -1;
  int status_ = 0;
  bool done_marker_ = false;
  bool malformed_ = false;
  std::string body_;        // ChatJson only
  std::string error_body_;  // first bytes of a non-2xx body
  std::string head_;        // first bytes of a 2xx body
};

/// Parses "queue;dur=1.2, prefill;dur=3.4, decode;dur=56.7" (Server-Timing, durations in ms)
/// into the record's fields; unknown metrics are ignored.
void parse_server_timing(std::string_view header_value, RequestRecord& record);

}  // namespace deploybench::loadgen
