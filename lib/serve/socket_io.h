#pragma once
// Thin POSIX socket helpers for http_server (no getaddrinfo: refbot links statically and
// glibc's resolver does not work in a static binary, so addresses must be numeric).
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/units.h"

namespace deploybench::serve::detail {

/// Owns a file descriptor; closes it on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_ = -1;
};

/// Binds and listens on a numeric IPv4/IPv6 address ("127.0.0.1", "0.0.0.0", "::"; "localhost"
/// means 127.0.0.1). Port 0 picks a free port. Errors name the address and the errno text.
Result<Fd> listen_on(const std::string& host, int port, int backlog = 256);
/// The local port a bound socket listens on.
int local_port(int fd);

enum class IoStatus { Ok, Timeout, Closed, Error };
/// Reads what is available (at most `max` bytes), waiting up to `timeout`.
IoStatus read_some(int fd, std::string& out, std::size_t max, Nanos timeout);
/// Writes all of `data` (blocking); Closed when the peer is gone. Never raises SIGPIPE.
IoStatus write_all(int fd, std::string_view data);
/// True when the peer has closed or reset the connection (non-blocking check).
bool peer_closed(int fd);

}  // namespace deploybench::serve::detail
