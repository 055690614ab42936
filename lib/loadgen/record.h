#pragma once
// One request's timeline and outcome. All times are offsets from the run's start (the start of
// warmup) on the steady clock; -1 ns means "did not happen".
#include <cstdint>
#include <string>

#include "core/units.h"

namespace deploybench::loadgen {

/// Error taxonomy; keys as written in RunMetrics.errors_by_kind (see error_key).
enum class ErrorKind : std::uint8_t {
  None,
  Connect,          // "connect": DNS, TCP or TLS failed
  Timeout,          // "timeout": request_timeout expired
  HttpStatus,       // "http_<code>": a non-2xx status
  MalformedStream,  // "malformed_stream": bad SSE/JSON, or the stream ended before [DONE]
  Transport,        // "transport": the connection broke mid-request (reset, send/recv failure)
  Dropped,          // "dropped": the in-flight cap was hit, so the request was never sent
};

/// "connect", "timeout", "http_503", "malformed_stream", "transport", "dropped" ("" for None).
std::string error_key(ErrorKind kind, int http_status);

inline constexpr Nanos kNever{-1};

struct RequestRecord {
  Nanos scheduled = kNever;    // intended send: schedule entry (open loop), actual send (closed)
  Nanos sent = kNever;         // handed to curl
  Nanos first_token = kNever;  // first content token arrived (streaming only)
  Nanos last_token = kNever;
  Nanos done = kNever;  // last byte received, or the failure
  // curl's phase timings, from `sent`: DNS, TCP connect, TLS (kNever on a reused connection).
  Nanos dns = kNever, connect = kNever, tls = kNever;
  Nanos first_byte = kNever;  // first response byte
  // Server-reported (refbot's Server-Timing header or final chunk "timings"), ms; < 0 = absent.
  float queue_ms = -1, prefill_ms = -1, decode_ms = -1;
  std::int32_t output_tokens = 0;  // usage.completion_tokens when reported, else token events
  std::int32_t token_events = 0;   // chunks carrying content (a chunk may carry several tokens)
  std::int32_t input_tokens = 0;   // usage.prompt_tokens when reported, else the estimate
  std::uint32_t prompt = 0;        // index into the prepared requests
  std::int16_t http_status = 0;
  ErrorKind error = ErrorKind::None;
  bool measured = false;  // false: warmup, excluded from every statistic

  bool ok() const noexcept { return error == ErrorKind::None; }
};

}  // namespace deploybench::loadgen
