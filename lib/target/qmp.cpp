#include "target/qmp.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace deploybench::target {
namespace {

class Connection {
 public:
  explicit Connection(int fd) : fd_(fd) {}
  ~Connection() {
    if (fd_ >= 0) close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// The next JSON line that is not an asynchronous event.
  Result<std::string> reply(TimePoint deadline) {
    for (;;) {
      const auto nl = buf_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        if (line.find("\"event\"") != std::string::npos) continue;
        if (line.find("\"error\"") != std::string::npos) return make_error(ErrorCode::Failed, "QMP: " + line);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
      if (left.count() <= 0) return make_error(ErrorCode::Timeout, "QMP: no reply in time");
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char chunk[4096];
      const ssize_t n = read(fd_, chunk, sizeof chunk);
      if (n <= 0) return make_error(ErrorCode::Failed, "QMP: connection closed");
      buf_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  Status send(const std::string& json) {
    const std::string line = json + "\n";
    if (write(fd_, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
      return make_error(ErrorCode::Io, std::string("QMP: write: ") + strerror(errno));
    }
    return Ok{};
  }

 private:
  int fd_;
  std::string buf_;
};

}  // namespace

Result<std::string> qmp_execute(const std::filesystem::path& socket_path, const std::string& command, Nanos timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.string().size() >= sizeof addr.sun_path) {
    return make_error(ErrorCode::InvalidArgument, "QMP socket path too long: " + socket_path.string());
  }
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  Connection c(fd);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return make_error(ErrorCode::Unavailable,
                      "QMP: cannot connect to " + socket_path.string() + ": " + strerror(errno));
  }
  if (auto greeting = c.reply(deadline); !greeting) return greeting;
  if (auto s = c.send(R"({"execute":"qmp_capabilities"})"); !s) return s.error();
  if (auto r = c.reply(deadline); !r) return r;
  if (auto s = c.send(R"({"execute":")" + command + R"("})"); !s) return s.error();
  return c.reply(deadline);
}

}  // namespace deploybench::target
