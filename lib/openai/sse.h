#pragma once
// Server-sent events (https://html.spec.whatwg.org/multipage/server-sent-events.html), shared by
// refbot's server (encoding) and the load generator (decoding) so the two cannot drift.
//
// stream := (field | comment | blank)*   field := name [":" [" "] value] EOL   comment := ":" text EOL
// EOL := "\r\n" | "\n" | "\r"; an event is dispatched at a blank line; "data" lines join with "\n".
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace deploybench::openai {

/// "data: {json}\n\n". `payload` must not contain newlines (JSON from a serializer does not).
std::string sse_data(std::string_view payload);
/// The terminator OpenAI sends: "data: [DONE]\n\n".
inline constexpr std::string_view kSseDone = "data: [DONE]\n\n";

/// Incremental decoder: feed() bytes as they arrive, split anywhere (even inside CRLF); on_event
/// is called once per complete event with its joined data. Never throws; a line longer than
/// `max_line` bytes marks the stream malformed and stops decoding. Not thread-safe.
class SseDecoder {
 public:
  using EventHandler = std::function<void(std::string_view event_name, std::string_view data)>;
  explicit SseDecoder(EventHandler on_event, std::size_t max_line = 1 << 20);
  void feed(std::string_view bytes);
  /// Call at end of stream: dispatches nothing (an unterminated event is discarded, per spec),
  /// and reports whether the stream ended in the middle of an event.
  bool finish_clean() const noexcept { return line_.empty() && data_.empty(); }
  bool malformed() const noexcept { return malformed_; }
  std::size_t events() const noexcept { return events_; }

 private:
  void line(std::string_view l);
  EventHandler on_event_;
  std::size_t max_line_;
  std::string line_;
  std::string data_;
  std::string event_;
  bool has_data_ = false;
  bool pending_cr_ = false;
  bool malformed_ = false;
  std::size_t events_ = 0;
};

}  // namespace deploybench::openai
