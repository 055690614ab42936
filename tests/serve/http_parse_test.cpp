#include "serve/http_parse.h"

#include <catch2/catch.hpp>

using namespace deploybench::serve;

namespace {
ParsedHead ok(std::string_view head, std::size_t max_body = 1000) {
  auto r = parse_request_head(head, max_body);
  REQUIRE(std::holds_alternative<ParsedHead>(r));
  return std::get<ParsedHead>(r);
}
int status_of(std::string_view head, std::size_t max_body = 1000) {
  auto r = parse_request_head(head, max_body);
  REQUIRE(std::holds_alternative<HttpParseError>(r));
  return std::get<HttpParseError>(r).status;
}
}  // namespace

TEST_CASE("request heads parse into method, path, headers and body length", "[serve][http]") {
  auto h = ok("POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\nX-Thing:  v  \r\n\r\n");
  CHECK(h.request.method == "POST");
  CHECK(h.request.target == "/v1/chat/completions?x=1");
  CHECK(h.request.path == "/v1/chat/completions");
  CHECK(h.content_length == 12);
  REQUIRE(h.request.header("x-thing"));
  CHECK(*h.request.header("x-thing") == "v");
  CHECK(h.request.keep_alive());
  CHECK_FALSE(ok("GET / HTTP/1.0\r\n\r\n").request.keep_alive());
  CHECK(ok("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").request.keep_alive());
  CHECK_FALSE(ok("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").request.keep_alive());
  CHECK(ok("GET /health HTTP/1.1\nHost: x\n\n").request.path == "/health");  // bare LF accepted
}

TEST_CASE("malformed or unsupported heads get the right status", "[serve][http]") {
  CHECK(status_of("GARBAGE\r\n\r\n") == 400);
  CHECK(status_of("GET  / HTTP/1.1\r\n\r\n") == 400);
  CHECK(status_of("GET relative HTTP/1.1\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/2.0\r\n\r\n") == 505);
  CHECK(status_of("GET / HTTP/1.1\r\nBad Header\r\n\r\n") == 400);
  CHECK(status_of("GET / HTTP/1.1\r\nName : v\r\n\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") == 400);
  CHECK(status_of("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") == 501);
  CHECK(status_of("POST / HTTP/1.1\r\nContent-Length: 1001\r\n\r\n", 1000) == 413);
}

TEST_CASE("the end of a head is found with CRLF or LF line ends", "[serve][http]") {
  CHECK_FALSE(find_head_end("GET / HTTP/1.1\r\nHost: a\r\n"));
  CHECK(find_head_end("GET / HTTP/1.1\r\n\r\nBODY") == 18u);
  CHECK(find_head_end("GET / HTTP/1.1\n\nBODY") == 16u);
}
