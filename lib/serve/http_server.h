#pragma once
// A small HTTP/1.1 server on POSIX sockets, written for refbot because it must link fully
// static (Debian ships cpp-httplib as a shared library only). Design: one accept loop and a
// bounded pool of connection threads (one thread serves one connection at a time, at most
// max_connections; beyond that new connections get 503 and are closed). Threads outlive their
// connections and take the next one, because starting a thread cost up to ~4 ms here (a new
// stack and clone() in a VM), paid by every client that opens a connection per request.
// Keep-alive, Content-Length request bodies, buffered or streamed responses (chunked for
// HTTP/1.1, close-delimited for HTTP/1.0).
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>

#include "core/error.h"
#include "serve/http_types.h"
#include "serve/socket_io.h"

namespace deploybench::serve {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;                                         // 0: pick a free port (see HttpServer::port())
  std::size_t max_body = 1 << 20;                       // bytes; larger bodies get 413
  std::size_t max_head = 16 << 10;                      // request line + headers; larger gets 431
  int max_connections = 64;                             // concurrent connections (= connection threads)
  Nanos idle_timeout = std::chrono::seconds(30);        // keep-alive connection with no request
  Nanos read_timeout = std::chrono::seconds(10);        // a started request must arrive within this
  Nanos write_timeout = std::chrono::seconds(30);       // a blocked write (client not reading) gives up
  Nanos poll_interval = std::chrono::milliseconds(20);  // disconnect checks while a body is pending
};

/// Handles one request. Called concurrently from connection threads. Must not throw.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;
/// Builds the response for errors the server detects itself (413, 431, 400 framing, 503).
using HttpErrorFormatter = std::function<HttpResponse(int status, const std::string& message)>;

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler, HttpErrorFormatter errors);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds and listens. After success, port() is the bound port.
  Status listen();
  int port() const { return port_; }
  /// Accepts connections until stop(); then closes every connection and waits for their
  /// threads (each notices within poll_interval). Call listen() first.
  void run();
  /// Thread-safe and idempotent; returns at once (run() does the waiting).
  void stop();
  /// Connection threads started so far (they are reused across connections).
  int threads_started() const { return threads_started_.load(std::memory_order_relaxed); }

 private:
  /// Hands an accepted connection to an idle connection thread, or starts one.
  void dispatch(int fd);
  /// A connection thread: serves pending connections until stop().
  void worker();
  void serve_connection(int fd);
  bool serve_one(int fd, std::string& buffer, bool& keep_alive);
  bool send_response(int fd, const HttpRequest& request, HttpResponse response, bool keep_alive);
  bool send_streamed(int fd, const HttpRequest& request, HttpResponse& response, bool keep_alive);
  bool send_buffered_stream(int fd, HttpResponse& response, bool keep_alive);
  /// Head plus the whole body with a Content-Length.
  bool send_whole(int fd, const HttpResponse& response, bool keep_alive);
  bool send_error(int fd, int status, const std::string& message);
  void reject_busy(int fd);

  HttpServerOptions options_;
  HttpHandler handler_;
  HttpErrorFormatter errors_;
  detail::Fd listen_fd_;
  detail::Fd wake_read_, wake_write_;  // self-pipe: stop() wakes the accept loop
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable idle_cv_;  // a connection closed or a thread exited
  std::condition_variable work_cv_;  // a connection is pending (or stopping)
  // Guarded by mu_:
  std::set<int> open_fds_;   // connections accepted and not yet closed (pending or served)
  std::deque<int> pending_;  // accepted, waiting for a thread
  int idle_workers_ = 0;     // threads waiting for a connection
  int workers_ = 0;          // threads alive
  std::atomic<int> threads_started_{0};
};

}  // namespace deploybench::serve
