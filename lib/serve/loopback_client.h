#pragma once
// A minimal streaming HTTP client on plain sockets, for refbot's own serving-overhead benchmark
// (refbot links statically, so no libcurl). It sends HTTP/1.0 so the SSE body is
// close-delimited and needs no chunked decoding.
//
// The connection is opened apart from the request (open_connection, then stream_chat), so a
// benchmark can open it before its clock starts, as a client with a pooled keep-alive
// connection has it open: the server has accepted it and a connection thread waits on it.
#include <string>

#include "core/error.h"
#include "core/units.h"
#include "serve/socket_io.h"

namespace deploybench::serve {

struct StreamStats {
  int status = 0;
  int content_chunks = 0;     // chunks with a content delta (= tokens)
  int completion_tokens = 0;  // from the usage chunk
  bool done = false;          // saw data: [DONE]
  TimePoint sent{};           // just before the request was written
  TimePoint done_at{};        // when data: [DONE] was decoded: the stream is complete
  Nanos ttft{0};              // send to first content chunk
  Nanos elapsed{0};           // send to data: [DONE]
  double server_ms = 0;       // queue + prefill + decode, from the final chunk's timings
};

/// Connects to a numeric IPv4 address (TCP_NODELAY, reads time out after a minute of silence).
Result<detail::Fd> open_connection(const std::string& host, int port);

/// POSTs `body` to /v1/chat/completions over `connection` (from open_connection; the server
/// closes it after the response) and reads the SSE stream to the end of the connection. The
/// stream's timing ends at data: [DONE], as a streaming client's does; what follows it (the
/// connection's close) is read but not timed. Errors: read failures, a non-200 status, a
/// malformed or unterminated stream.
Result<StreamStats> stream_chat(detail::Fd connection, const std::string& host, const std::string& body);

}  // namespace deploybench::serve
