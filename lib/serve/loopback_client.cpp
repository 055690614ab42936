#include "serve/loopback_client.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "openai/chat_json.h"
#include "openai/sse.h"
#include "serve/socket_io.h"

namespace deploybench::serve {
namespace {

Result<detail::Fd> connect_to(const std::string& host, int port) {
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
  return fd;
}

}  // namespace

Result<StreamStats> stream_chat(const std::string& host, int port, const std::string& body) {
  auto fd = connect_to(host, port);
  if (!fd) return fd.error();
  StreamStats stats;
  const TimePoint start = SteadyClock::now();
  const std::string request = fmt::format(
      "POST /v1/chat/completions HTTP/1.0\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: "
      "{}\r\n\r\n{}",
      host, body.size(), body);
  if (detail::write_all(fd->get(), request) != detail::IoStatus::Ok)
    return make_error(ErrorCode::Io, "sending the request failed");
  std::string head;
  bool in_body = false;
  bool bad_chunk = false;
  openai::SseDecoder decoder([&](std::string_view, std::string_view data) {
    if (data == "[DONE]") {
      stats.done = true;
      return;
    }
    auto chunk = openai::parse_stream_chunk(data);
    if (!chunk) {
      bad_chunk = true;
      return;
    }
    if (chunk->content && stats.content_chunks++ == 0) stats.ttft = SteadyClock::now() - start;
    if (chunk->usage) stats.completion_tokens = chunk->usage->completion_tokens;
    if (chunk->timings)
      stats.server_ms = chunk->timings->queue_ms + chunk->timings->prefill_ms + chunk->timings->decode_ms;
  });
  std::string buffer;
  for (;;) {
    buffer.clear();
    const auto st = detail::read_some(fd->get(), buffer, 64 << 10, std::chrono::seconds(60));
    if (st == detail::IoStatus::Closed) break;
    if (st != detail::IoStatus::Ok) return make_error(ErrorCode::Io, "reading the response failed or timed out");
    if (in_body) {
      decoder.feed(buffer);
      continue;
    }
    head += buffer;
    const auto end = head.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    in_body = true;
    if (std::sscanf(head.c_str(), "HTTP/1.%*d %d", &stats.status) != 1)
      return make_error(ErrorCode::Failed, "malformed status line");
    decoder.feed(std::string_view(head).substr(end + 4));
  }
  stats.elapsed = SteadyClock::now() - start;
  if (stats.status != 200) return make_error(ErrorCode::Failed, fmt::format("HTTP status {}", stats.status));
  if (bad_chunk || decoder.malformed() || !stats.done)
    return make_error(ErrorCode::Failed, "malformed or unterminated event stream");
  return stats;
}

}  // namespace deploybench::serve
