#include "serve/loopback_client.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "openai/chat_json.h"
#include "openai/sse.h"
#include "serve/socket_io.h"

namespace deploybench::serve {

Result<detail::Fd> open_connection(const std::string& host, int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1)
    return make_error(ErrorCode::InvalidArgument, fmt::format("'{}' is not a numeric IPv4 address", host));
  detail::Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0 || ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    return make_error(ErrorCode::Io, fmt::format("connect {}:{}: {}", host, port, std::strerror(errno)));
  const int one = 1;
  ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // Reads give up after a minute of silence; a plain recv() per token (not poll() then recv()).
  const timeval read_timeout{60, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &read_timeout, sizeof read_timeout);
  return fd;
}

Result<StreamStats> stream_chat(detail::Fd connection, const std::string& host, const std::string& body) {
  const int fd = connection.get();
  StreamStats stats;
  const std::string request = fmt::format(
      "POST /v1/chat/completions HTTP/1.0\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: "
      "{}\r\n\r\n{}",
      host, body.size(), body);
  stats.sent = SteadyClock::now();
  if (detail::write_all(fd, request) != detail::IoStatus::Ok)
    return make_error(ErrorCode::Io, "sending the request failed");
  std::string head;
  bool in_body = false;
  bool bad_chunk = false;
  openai::SseDecoder decoder([&](std::string_view, std::string_view data) {
    if (data == "[DONE]") {
      stats.done = true;
      stats.done_at = SteadyClock::now();
      return;
    }
    auto chunk = openai::parse_stream_chunk(data);
    if (!chunk) {
      bad_chunk = true;
      return;
    }
    if (chunk->content && stats.content_chunks++ == 0) stats.ttft = SteadyClock::now() - stats.sent;
    if (chunk->usage) stats.completion_tokens = chunk->usage->completion_tokens;
    if (chunk->timings)
      stats.server_ms = chunk->timings->queue_ms + chunk->timings->prefill_ms + chunk->timings->decode_ms;
  });
  std::vector<char> buffer(64 << 10);  // one allocation per stream, never zero-filled again
  for (;;) {
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n == 0 || (n < 0 && errno == ECONNRESET)) break;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return make_error(ErrorCode::Io, "reading the response timed out (60 s without a byte)");
    if (n < 0) return make_error(ErrorCode::Io, fmt::format("reading the response: {}", std::strerror(errno)));
    const std::string_view got(buffer.data(), static_cast<std::size_t>(n));
    if (in_body) {
      decoder.feed(got);
      continue;
    }
    head += got;
    const auto end = head.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    in_body = true;
    if (std::sscanf(head.c_str(), "HTTP/1.%*d %d", &stats.status) != 1)
      return make_error(ErrorCode::Failed, "malformed status line");
    decoder.feed(std::string_view(head).substr(end + 4));
  }
  if (stats.status != 200) return make_error(ErrorCode::Failed, fmt::format("HTTP status {}", stats.status));
  if (bad_chunk || decoder.malformed() || !stats.done)
    return make_error(ErrorCode::Failed, "malformed or unterminated event stream");
  stats.elapsed = stats.done_at - stats.sent;
  return stats;
}

}  // namespace deploybench::serve
