#include "serve/socket_io.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace deploybench::serve::detail {

Fd& Fd::operator=(Fd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.release();
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

Result<Fd> listen_on(const std::string& host, int port, int backlog) {
  if (port < 0 || port > 65535)
    return make_error(ErrorCode::InvalidArgument, fmt::format("port {} is out of range", port));
  sockaddr_storage addr{};
  socklen_t len = 0;
  const std::string h = host == "localhost" ? "127.0.0.1" : host;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (::inet_pton(AF_INET, h.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<std::uint16_t>(port));
    len = sizeof(sockaddr_in);
  } else if (::inet_pton(AF_INET6, h.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<std::uint16_t>(port));
    len = sizeof(sockaddr_in6);
  } else {
    return make_error(ErrorCode::InvalidArgument, fmt::format("--host '{}' is not a numeric IP address", host),
                      "use 127.0.0.1 (loopback only) or 0.0.0.0 (all interfaces)");
  }
  Fd fd(::socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return make_error(ErrorCode::Io, fmt::format("socket(): {}", std::strerror(errno)));
  const int one = 1;
  ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0)
    return make_error(ErrorCode::Unavailable, fmt::format("cannot bind {}:{}: {}", host, port, std::strerror(errno)),
                      errno == EADDRINUSE ? "another process uses this port; pick another with --port" : "");
  if (::listen(fd.get(), backlog) != 0)
    return make_error(ErrorCode::Io, fmt::format("listen on {}:{}: {}", host, port, std::strerror(errno)));
  return fd;
}

int local_port(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return -1;
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

IoStatus read_some(int fd, std::string& out, std::size_t max, Nanos timeout) {
  pollfd p{fd, POLLIN, 0};
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(timeout).count();
  const int r = ::poll(&p, 1, static_cast<int>(ms));
  if (r == 0) return IoStatus::Timeout;
  if (r < 0) return errno == EINTR ? IoStatus::Timeout : IoStatus::Error;
  // Into a stack buffer, then appended: growing `out` by `max` first would zero-fill up to
  // 64 KiB per read, and a streaming client reads once per token.
  char chunk[64 << 10];
  const ssize_t n = ::recv(fd, chunk, std::min(max, sizeof chunk), 0);
  if (n > 0) {
    out.append(chunk, static_cast<std::size_t>(n));
    return IoStatus::Ok;
  }
  if (n == 0) return IoStatus::Closed;
  if (errno == EINTR || errno == EAGAIN) return IoStatus::Timeout;
  return errno == ECONNRESET ? IoStatus::Closed : IoStatus::Error;
}

IoStatus write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return (errno == EPIPE || errno == ECONNRESET) ? IoStatus::Closed : IoStatus::Error;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return IoStatus::Ok;
}

bool peer_closed(int fd) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  if (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) return true;
  if (p.revents & POLLIN) {  // readable: either pipelined bytes or an orderly close (recv = 0)
    char c;
    return ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
  }
  return false;
}

}  // namespace deploybench::serve::detail
