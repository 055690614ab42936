// A tiny static HTTP/1.1 server for the target tests: plain sockets, one thread
// per connection, keep-alive. It stands in for "the user's own server" (a local
// target's custom command) and gives the delay proxy a fast peer, so
// measurements see the proxy and not a model.
//   GET /health            -> 200 "ok"
//   ANY /status/NNN/...    -> HTTP NNN with a JSON error body (a failing remote API)
//   ANY /auth/...          -> 401 unless the request has "api-key: stub-key", else as /...
//   GET /metrics           -> refbot-style process CPU and RSS (Prometheus
//   text) GET /burn?ms=N         -> busy-loops N ms (CPU for resource-sampling
//   tests) POST /v1/chat/completions -> a short SSE stream
// Usage: stub_server [serve] [--host H] --port P   (other refbot flags are
// accepted and ignored)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace {

int g_listen_fd = -1;

void on_term(int) {
  if (g_listen_fd >= 0) shutdown(g_listen_fd, SHUT_RDWR);  // accept() returns, main exits
}

std::string metrics() {
  std::ifstream stat("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), {});
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string f;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i >= 14) ticks += std::stod(f);
  }
  std::ifstream status("/proc/self/status");
  long rss_kb = 0;
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) rss_kb = std::atol(line.c_str() + 6);
  }
  return "# TYPE refbot_process_cpu_seconds_total "
         "counter\nrefbot_process_cpu_seconds_total " +
         std::to_string(ticks / static_cast<double>(sysconf(_SC_CLK_TCK))) +
         "\n# TYPE refbot_process_resident_memory_bytes "
         "gauge\nrefbot_process_resident_memory_bytes " +
         std::to_string(rss_kb * 1024) + "\n";
}

std::string chat_stream() {
  std::string out;
  for (const char* piece : {"Hello", " from", " the", " stub"}) {
    out += std::string("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"") + piece + "\"}}]}\n\n";
  }
  return out + "data: [DONE]\n\n";
}

std::string respond(const std::string& method, std::string path, const std::string& head) {
  std::string status = "200 OK", type = "text/plain", body = "ok\n";
  if (path.rfind("/auth/", 0) == 0) {
    if ((head + "\r\n").find("\r\napi-key: stub-key\r\n") == std::string::npos) {
      status = "401 Unauthorized";
      body = "{\"error\":{\"message\":\"missing or wrong api-key\"}}";
      path.clear();
    } else {
      path.erase(0, 5);
    }
  }
  if (path.empty()) {
  } else if (path.rfind("/status/", 0) == 0) {
    status = path.substr(8, 3) + " Stub Status";
    type = "application/json";
    body = "{\"error\":{\"message\":\"stub status " + path.substr(8, 3) + "\"}}";
  } else if (path == "/health") {
  } else if (path == "/metrics") {
    body = metrics();
  } else if (path.rfind("/burn?ms=", 0) == 0) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::atoi(path.c_str() + 9));
    volatile unsigned long x = 0;
    while (std::chrono::steady_clock::now() < until) x = x + 1;
  } else if (method == "POST" && path == "/v1/chat/completions") {
    type = "text/event-stream";
    body = chat_stream();
  } else {
    status = "404 Not Found";
    body = "not found\n";
  }
  return "HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

void serve_connection(int fd) {
  std::string buf;
  char chunk[16384];
  for (;;) {
    const auto head_end = buf.find("\r\n\r\n");
    if (head_end == std::string::npos) {
      const ssize_t n = read(fd, chunk, sizeof chunk);
      if (n <= 0) break;
      buf.append(chunk, static_cast<std::size_t>(n));
      continue;
    }
    std::size_t body_len = 0;
    if (const auto cl = buf.find("Content-Length:"); cl != std::string::npos && cl < head_end) {
      body_len = std::strtoul(buf.c_str() + cl + 15, nullptr, 10);
    }
    while (buf.size() < head_end + 4 + body_len) {
      const ssize_t n = read(fd, chunk, sizeof chunk);
      if (n <= 0) return (void)close(fd);
      buf.append(chunk, static_cast<std::size_t>(n));
    }
    std::istringstream line(buf.substr(0, buf.find("\r\n")));
    std::string method, path;
    line >> method >> path;
    const auto reply = respond(method, path, buf.substr(0, head_end));
    if (write(fd, reply.data(), reply.size()) != static_cast<ssize_t>(reply.size())) break;
    buf.erase(0, head_end + 4 + body_len);
  }
  close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  int port = 0;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--host") == 0) host = argv[i + 1];
    if (std::strcmp(argv[i], "--port") == 0) port = std::atoi(argv[i + 1]);
  }
  struct sigaction sa {};
  sa.sa_handler = on_term;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  g_listen_fd = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(g_listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (bind(g_listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(g_listen_fd, 128) != 0) {
    std::perror("stub_server: bind/listen");
    return 1;
  }
  std::fprintf(stderr, "stub_server listening on %s:%d\n", host.c_str(), port);
  for (;;) {
    const int fd = accept(g_listen_fd, nullptr, nullptr);
    if (fd < 0) break;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::thread(serve_connection, fd).detach();
  }
  return 0;
}
