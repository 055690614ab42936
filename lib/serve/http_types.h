#pragma once
// HTTP/1.1 request and response records exchanged between http_server and the routes. The
// server owns sockets and framing; handlers see only these types (llama.cpp's split between
// server_http_context and server_context).
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/units.h"

namespace deploybench::serve {

using Header = std::pair<std::string, std::string>;
using Headers = std::vector<Header>;

struct HttpRequest {
  std::string method;     // "GET", "POST", ...
  std::string target;     // as sent: "/v1/models?x=1"
  std::string path;       // target without the query
  int version_minor = 1;  // HTTP/1.<minor>
  Headers headers;        // names lower-cased, values trimmed
  std::string body;

  /// First value of header `name` (lower-case), or nullptr.
  const std::string* header(std::string_view name) const;
  /// Persistent connection per RFC 9112 9.3 (default on for 1.1, off for 1.0).
  bool keep_alive() const;
};

/// A response body produced over time (SSE tokens, or a result still being computed). The
/// server pulls it from the connection's thread and checks between pulls whether the client
/// is still there; destroying the stream early means the client went away (or the server is
/// stopping), so implementations cancel their work in the destructor.
class BodyStream {
 public:
  enum class Poll { Data, Pending, End };
  virtual ~BodyStream() = default;
  /// Appends available bytes to `out`, waiting at most `timeout`. Data: something was appended
  /// (and more may follow); Pending: nothing yet; End: nothing more (may have appended a tail).
  virtual Poll next(std::string& out, Nanos timeout) = 0;
  /// Status and headers known only once the first bytes exist (e.g. Server-Timing with queue
  /// and prefill time, or an error status of a buffered body). Called once, right before the
  /// response head is written.
  virtual void late_head(int& /*status*/, std::string& /*content_type*/, Headers& /*headers*/) {}
  /// Trailer fields sent after the last chunk of a chunked response.
  virtual Headers trailers() { return {}; }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  Headers headers;
  std::string body;
  /// Set: the body comes from the stream. `buffered` collects it whole and sends it with a
  /// Content-Length (a non-streamed completion); otherwise it is sent chunked as it comes
  /// (close-delimited for HTTP/1.0 clients).
  std::unique_ptr<BodyStream> stream;
  bool buffered = false;
};

const char* reason_phrase(int status);

}  // namespace deploybench::serve
