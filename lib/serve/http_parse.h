#pragma once
// Parsing of an HTTP/1.1 request head (RFC 9112 section 2-3). Pure functions, no sockets.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "serve/http_types.h"

namespace deploybench::serve {

/// A request the server cannot accept, with the status to answer.
struct HttpParseError {
  int status = 400;
  std::string message;
};

struct ParsedHead {
  HttpRequest request;             // body still empty
  std::size_t content_length = 0;  // bytes of body that follow the head
};

/// Parses `head` (request line and header fields, without the final blank line). Rejects:
/// malformed lines (400), versions other than HTTP/1.x (505), Transfer-Encoding on requests
/// (501: refbot takes Content-Length bodies only), bad or conflicting Content-Length (400) and
/// bodies above `max_body` (413).
std::variant<ParsedHead, HttpParseError> parse_request_head(std::string_view head, std::size_t max_body);

/// Position just past the blank line ending the head in `buffer`, if it is complete.
std::optional<std::size_t> find_head_end(std::string_view buffer);

}  // namespace deploybench::serve
