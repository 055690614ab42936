#include "openai/sse.h"

namespace deploybench::openai {

std::string sse_data(std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 8);
  out += "data: ";
  out += payload;
  out += "\n\n";
  return out;
}

SseDecoder::SseDecoder(EventHandler on_event, std::size_t max_line)
    : on_event_(std::move(on_event)), max_line_(max_line) {}

void SseDecoder::feed(std::string_view bytes) {
  if (malformed_) return;
  for (char c : bytes) {
    if (pending_cr_) {
      pending_cr_ = false;
      if (c == '\n') continue;  // the LF of a CRLF split across two feeds or in one
    }
    if (c == '\r' || c == '\n') {
      pending_cr_ = (c == '\r');
      line(line_);
      line_.clear();
      if (malformed_) return;
      continue;
    }
    line_ += c;
    if (line_.size() > max_line_) {
      malformed_ = true;
      return;
    }
  }
}

void SseDecoder::line(std::string_view l) {
  if (l.empty()) {  // dispatch
    if (has_data_) {
      ++events_;
      on_event_(event_, data_);
    }
    data_.clear();
    event_.clear();
    has_data_ = false;
    return;
  }
  if (l.front() == ':') return;  // comment
  const auto colon = l.find(':');
  std::string_view name = l.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = l.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (name == "data") {
    if (has_data_) data_ += '\n';
    data_ += value;
    has_data_ = true;
  } else if (name == "event") {
    event_.assign(value);
  }
  // "id", "retry" and unknown fields are ignored, as the spec says.
}

}  // namespace deploybench::openai
