#pragma once
// A minimal streaming HTTP client on plain sockets, for refbot's own serving-overhead benchmark
// (refbot links statically, so no libcurl). It sends HTTP/1.0 so the SSE body is
// close-delimited and needs no chunked decoding.
#include <string>

#include "core/error.h"
#include "core/units.h"

namespace deploybench::serve {

struct StreamStats {
  int status = 0;
  int content_chunks = 0;     // chunks with a content delta (= tokens)
  int completion_tokens = 0;  // from the usage chunk
  bool done = false;          // saw data: [DONE]
  Nanos ttft{0};              // send to first content chunk
  Nanos elapsed{0};           // send to end of stream
  double server_ms = 0;       // queue + prefill + decode, from the final chunk's timings
};

/// POSTs `body` to http://host:port/v1/chat/completions and reads the SSE stream to the end.
/// Errors: connect/read failures, a non-200 status, a malformed stream.
Result<StreamStats> stream_chat(const std::string& host, int port, const std::string& body);

}  // namespace deploybench::serve
