#include "loadgen/response_reader.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace deploybench::loadgen {
namespace {

constexpr std::size_t kMaxJsonBody = 64u << 20;  // a non-streamed answer larger than this is malformed
constexpr std::size_t kMaxErrorBody = 300;

float ms_field(const nlohmann::json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_number() ? it->get<float>() : -1.0f;
}

std::int32_t int_field(const nlohmann::json& obj, const char* key) {
  const auto it = obj.find(key);
  return it != obj.end() && it->is_number_integer() ? it->get<std::int32_t>() : -1;
}

// True if this chunk's first choice carries generated text (see the header for the rule).
bool carries_token(const nlohmann::json& chunk) {
  const auto choices = chunk.find("choices");
  if (choices == chunk.end() || !choices->is_array() || choices->empty()) return false;
  const auto& choice = (*choices)[0];
  const auto delta = choice.find("delta");
  if (delta == choice.end() || !delta->is_object()) {
    const auto text = choice.find("text");  // legacy completions chunks
    return text != choice.end() && text->is_string();
  }
  for (const char* key : {"content", "reasoning_content"}) {
    const auto c = delta->find(key);
    if (c == delta->end() || !c->is_string()) continue;
    if (c->get_ref<const std::string&>().empty() && delta->contains("role")) return false;
    return true;
  }
  return false;
}

}  // namespace

ResponseReader::ResponseReader() : decoder_([this](std::string_view, std::string_view data) { on_event(data); }) {}

void ResponseReader::reset(ResponseMode mode, stats::LatencyHistogram* itl) {
  mode_ = mode;
  decoder_ = openai::SseDecoder([this](std::string_view, std::string_view data) { on_event(data); });
  itl_ = itl;
  first_token_ = last_token_ = kNever;
  token_events_ = 0;
  usage_completion_ = usage_prompt_ = -1;
  queue_ms_ = prefill_ms_ = decode_ms_ = -1;
  status_ = 0;
  done_marker_ = malformed_ = false;
  body_.clear();
  error_body_.clear();
  head_.clear();
}

void ResponseReader::on_bytes(std::string_view bytes, Nanos arrival) {
  if (status_ != 0 && (status_ < 200 || status_ >= 300)) {
    const auto room = kMaxErrorBody - std::min(kMaxErrorBody, error_body_.size());
    error_body_.append(bytes.substr(0, room));
    return;
  }
  now_ = arrival;
  if (head_.size() < kMaxErrorBody) head_.append(bytes.substr(0, kMaxErrorBody - head_.size()));
  switch (mode_) {
    case ResponseMode::ChatStream:
      if (malformed_) return;
      decoder_.feed(bytes);
      if (decoder_.malformed()) malformed_ = true;
      break;
    case ResponseMode::ChatJson:
      if (body_.size() + bytes.size() > kMaxJsonBody) malformed_ = true;
      if (!malformed_) body_.append(bytes);
      break;
    case ResponseMode::Plain:
      break;
  }
}

void ResponseReader::on_event(std::string_view data) {
  if (done_marker_) return;  // nothing may follow [DONE]; ignore rather than fail
  if (data == "[DONE]") {
    done_marker_ = true;
    return;
  }
  on_json(data, true);
}

void ResponseReader::on_json(std::string_view text, bool from_stream) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.contains("error")) {
    malformed_ = true;
    return;
  }
  if (from_stream && carries_token(j)) {
    if (last_token_ != kNever && itl_) itl_->record(now_ - last_token_);
    if (first_token_ == kNever) first_token_ = now_;
    last_token_ = now_;
    ++token_events_;
  }
  if (const auto u = j.find("usage"); u != j.end() && u->is_object()) {
    usage_completion_ = int_field(*u, "completion_tokens");
    usage_prompt_ = int_field(*u, "prompt_tokens");
  }
  if (const auto t = j.find("timings"); t != j.end() && t->is_object()) {
    queue_ms_ = ms_field(*t, "queue_ms");
    prefill_ms_ = ms_field(*t, "prefill_ms");
    decode_ms_ = ms_field(*t, "decode_ms");
  }
  if (!from_stream) {
    const auto choices = j.find("choices");
    if (choices == j.end() || !choices->is_array() || choices->empty()) malformed_ = true;
  }
}

void ResponseReader::finish() {
  if (status_ != 0 && (status_ < 200 || status_ >= 300)) return;
  if (mode_ == ResponseMode::ChatStream) {
    // [DONE] is only dispatched at the blank line after it, so it proves a complete stream;
    // bytes after it are ignored. (SseDecoder::finish_clean() would also reject a stream whose
    // last line ends in a bare CR, which is a complete line ending.)
    if (!done_marker_) malformed_ = true;
  } else if (mode_ == ResponseMode::ChatJson && !malformed_) {
    on_json(body_, false);
  }
}

void ResponseReader::fill(RequestRecord& r) const {
  r.first_token = first_token_;
  r.last_token = last_token_;
  r.token_events = token_events_;
  r.output_tokens = usage_completion_ >= 0 ? usage_completion_ : token_events_;
  if (usage_prompt_ >= 0) r.input_tokens = usage_prompt_;
  if (queue_ms_ >= 0) r.queue_ms = queue_ms_;
  if (prefill_ms_ >= 0) r.prefill_ms = prefill_ms_;
  if (decode_ms_ >= 0) r.decode_ms = decode_ms_;
  if (malformed_ && r.error == ErrorKind::None) r.error = ErrorKind::MalformedStream;
}

void parse_server_timing(std::string_view value, RequestRecord& r) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    std::string_view entry = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
    const auto semi = entry.find(';');
    if (semi == std::string_view::npos) continue;
    const auto name = entry.substr(0, semi);
    const auto dur = entry.find("dur=", semi);
    if (dur == std::string_view::npos) continue;
    const auto num = entry.substr(dur + 4);
    float ms = 0;
    const auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), ms);
    if (ec != std::errc{} || end == num.data()) continue;
    if (name == "queue")
      r.queue_ms = ms;
    else if (name == "prefill")
      r.prefill_ms = ms;
    else if (name == "decode")
      r.decode_ms = ms;
  }
}

std::string error_key(ErrorKind kind, int http_status) {
  switch (kind) {
    case ErrorKind::None:
      return "";
    case ErrorKind::Connect:
      return "connect";
    case ErrorKind::Timeout:
      return "timeout";
    case ErrorKind::HttpStatus:
      return "http_" + std::to_string(http_status);
    case ErrorKind::MalformedStream:
      return "malformed_stream";
    case ErrorKind::Transport:
      return "transport";
    case ErrorKind::Dropped:
      return "dropped";
  }
  return "unknown";
}

}  // namespace deploybench::loadgen
