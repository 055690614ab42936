// A loopback server for manual runs and scripts/bench-loadgen.sh (not a test):
//   deploybench_loopback_server plain [PORT]   epoll, one thread, keep-alive, answers every GET
//                                              with "200 ok": fast enough that wrk and the
//                                              generator, not the server, are what is measured
//   deploybench_loopback_server sse [PORT] [FIRST_TOKEN_MS] [TOKEN_MS] [CERT KEY]
//                                              the OpenAI-shaped test server of the integration tests
//                                              (HTTPS with a PEM certificate and key)
// Prints "listening on PORT" once ready; stops on SIGINT/SIGTERM.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>

#include "loadgen/sse_test_server.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
extern "C" void on_signal(int) { g_stop = 1; }

constexpr std::string_view kResponse = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok";

int listen_on(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 1024) != 0) {
    std::perror("bind/listen");
    std::exit(1);
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::printf("listening on %d\n", ntohs(addr.sin_port));
  std::fflush(stdout);
  return fd;
}

// Answers each complete request head (ended by a blank line) in `buf`; keeps any partial one.
bool serve(int fd, std::string& buf) {
  char chunk[16384];
  for (;;) {
    const ssize_t n = read(fd, chunk, sizeof chunk);
    if (n == 0) return false;
    if (n < 0) break;
    buf.append(chunk, static_cast<size_t>(n));
  }
  std::string out;
  std::size_t pos = 0, end = 0;
  while ((end = buf.find("\r\n\r\n", pos)) != std::string::npos) {
    out += kResponse;
    pos = end + 4;
  }
  buf.erase(0, pos);
  return out.empty() || write(fd, out.data(), out.size()) == static_cast<ssize_t>(out.size());
}

int run_plain(int port) {
  const int lfd = listen_on(port);
  const int ep = epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = lfd;
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
  std::unordered_map<int, std::string> pending;
  epoll_event events[256];
  while (!g_stop) {
    const int n = epoll_wait(ep, events, 256, 200);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == lfd) {
        int c;
        while ((c = accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK)) >= 0) {
          const int one = 1;
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          epoll_event cev{};
          cev.events = EPOLLIN;
          cev.data.fd = c;
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
        }
      } else if (!serve(fd, pending[fd])) {
        pending.erase(fd);
        close(fd);
      }
    }
  }
  return 0;
}

int run_sse(int port, int first_ms, int token_ms, const char* cert, const char* key) {
  deploybench::testing::SseServerOptions o;
  if (cert && key) {
    o.cert_file = cert;
    o.key_file = key;
  }
  o.first_token_delay = std::chrono::milliseconds{first_ms};
  o.token_interval = std::chrono::milliseconds{token_ms};
  o.port = port;
  deploybench::testing::SseTestServer server(o);
  std::printf("listening on %d\n", server.port());
  std::fflush(stdout);
  while (!g_stop) pause();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  const std::string mode = argc > 1 ? argv[1] : "plain";
  const int port = argc > 2 ? std::atoi(argv[2]) : 0;
  if (mode == "plain") return run_plain(port);
  if (mode == "sse") {
    return run_sse(port, argc > 3 ? std::atoi(argv[3]) : 20, argc > 4 ? std::atoi(argv[4]) : 5,
                   argc > 6 ? argv[5] : nullptr, argc > 6 ? argv[6] : nullptr);
  }
  std::fprintf(stderr, "usage: %s plain|sse [PORT] [FIRST_TOKEN_MS] [TOKEN_MS] [CERT KEY]\n", argv[0]);
  return 2;
}
