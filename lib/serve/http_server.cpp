#include "serve/http_server.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "serve/http_parse.h"

namespace deploybench::serve {
namespace {

using detail::IoStatus;

std::string head_text(int status, const std::string& content_type, const Headers& headers) {
  std::string out = fmt::format("HTTP/1.1 {} {}\r\n", status, reason_phrase(status));
  if (!content_type.empty()) out += fmt::format("Content-Type: {}\r\n", content_type);
  for (const auto& [k, v] : headers) out += fmt::format("{}: {}\r\n", k, v);
  return out;
}

const char* connection_value(bool keep_alive) {
  return keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
}

}  // namespace

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler, HttpErrorFormatter errors)
    : options_(std::move(options)), handler_(std::move(handler)), errors_(std::move(errors)) {}

HttpServer::~HttpServer() { stop(); }

Status HttpServer::listen() {
  auto fd = detail::listen_on(options_.host, options_.port);
  if (!fd) return fd.error();
  listen_fd_ = std::move(*fd);
  port_ = detail::local_port(listen_fd_.get());
  int p[2];
  if (::pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0) return make_error(ErrorCode::Io, "pipe2() failed");
  wake_read_ = detail::Fd(p[0]);
  wake_write_ = detail::Fd(p[1]);
  return Ok{};
}

void HttpServer::stop() {
  if (stopping_.exchange(true)) return;
  if (wake_write_.get() >= 0) {
    const char c = 1;
    (void)!::write(wake_write_.get(), &c, 1);
  }
}

void HttpServer::run() {
  while (!stopping_) {
    pollfd fds[2] = {{listen_fd_.get(), POLLIN, 0}, {wake_read_.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0 || stopping_) continue;
    if (!(fds[0].revents & POLLIN)) continue;
    const int fd = ::accept4(listen_fd_.get(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // tokens go out at once
    // A client that stops reading must not hold its thread forever: writes give up after
    // write_timeout, which drops the response and cancels its generation.
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(options_.write_timeout).count();
    const timeval send_timeout{static_cast<time_t>(secs), 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
    std::unique_lock lock(mu_);
    if (static_cast<int>(open_fds_.size()) >= options_.max_connections) {
      lock.unlock();
      reject_busy(fd);
      continue;
    }
    lock.unlock();
    dispatch(fd);
  }
  listen_fd_ = detail::Fd();
  std::unique_lock lock(mu_);
  for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);  // wakes blocked reads and writes
  work_cv_.notify_all();
  idle_cv_.wait(lock, [this] { return open_fds_.empty() && workers_ == 0; });
}

void HttpServer::dispatch(int fd) {
  std::unique_lock lock(mu_);
  open_fds_.insert(fd);
  pending_.push_back(fd);
  if (static_cast<int>(pending_.size()) <= idle_workers_) {
    lock.unlock();
    work_cv_.notify_one();
    return;
  }
  ++workers_;
  threads_started_.fetch_add(1, std::memory_order_relaxed);
  lock.unlock();
  std::thread([this] { worker(); }).detach();
}

void HttpServer::worker() {
  ::pthread_setname_np(::pthread_self(), "refbot-conn");  // for top -H, perf and gdb
  std::unique_lock lock(mu_);
  for (;;) {
    ++idle_workers_;
    work_cv_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
    --idle_workers_;
    if (pending_.empty()) break;  // stopping, and nothing left to close
    const int fd = pending_.front();
    pending_.pop_front();
    lock.unlock();
    serve_connection(fd);
    lock.lock();
  }
  --workers_;
  idle_cv_.notify_all();  // under mu_: run() cannot return before this thread is done with it
}

void HttpServer::reject_busy(int fd) {
  send_error(fd, 503, fmt::format("server busy: {} connections open (the limit)", options_.max_connections));
  ::close(fd);
}

void HttpServer::serve_connection(int fd) {
  std::string buffer;
  bool keep_alive = true;
  while (keep_alive && !stopping_ && serve_one(fd, buffer, keep_alive)) {
  }
  ::close(fd);
  std::lock_guard lock(mu_);
  open_fds_.erase(fd);
  idle_cv_.notify_all();
}

bool HttpServer::serve_one(int fd, std::string& buffer, bool& keep_alive) {
  std::optional<std::size_t> head_end;
  while (!(head_end = find_head_end(buffer))) {
    if (buffer.size() > options_.max_head) return send_error(fd, 431, "request head too large"), false;
    const auto timeout = buffer.empty() ? options_.idle_timeout : options_.read_timeout;
    const auto st = detail::read_some(fd, buffer, 16 << 10, timeout);
    if (st == IoStatus::Timeout && !buffer.empty()) return send_error(fd, 408, "timed out reading the request"), false;
    if (st != IoStatus::Ok) return false;
  }
  auto parsed = parse_request_head(std::string_view(buffer).substr(0, *head_end), options_.max_body);
  if (auto* err = std::get_if<HttpParseError>(&parsed)) return send_error(fd, err->status, err->message), false;
  auto& head = std::get<ParsedHead>(parsed);
  HttpRequest& req = head.request;
  const std::string* expect = req.header("expect");
  if (expect && buffer.size() - *head_end < head.content_length &&
      detail::write_all(fd, "HTTP/1.1 100 Continue\r\n\r\n") != IoStatus::Ok)
    return false;
  while (buffer.size() - *head_end < head.content_length) {
    const auto st = detail::read_some(fd, buffer, 64 << 10, options_.read_timeout);
    if (st == IoStatus::Timeout) return send_error(fd, 408, "timed out reading the request body"), false;
    if (st != IoStatus::Ok) return false;
  }
  req.body = buffer.substr(*head_end, head.content_length);
  buffer.erase(0, *head_end + head.content_length);
  keep_alive = req.keep_alive() && !stopping_;
  return send_response(fd, req, handler_(req), keep_alive);
}

bool HttpServer::send_response(int fd, const HttpRequest& request, HttpResponse response, bool keep_alive) {
  if (response.stream && response.buffered) return send_buffered_stream(fd, response, keep_alive);
  if (response.stream) return send_streamed(fd, request, response, keep_alive);
  return send_whole(fd, response, keep_alive);
}

bool HttpServer::send_whole(int fd, const HttpResponse& response, bool keep_alive) {
  std::string out = head_text(response.status, response.content_type, response.headers);
  out += fmt::format("Content-Length: {}\r\n", response.body.size());
  out += connection_value(keep_alive);
  out += "\r\n";
  out += response.body;
  return detail::write_all(fd, out) == IoStatus::Ok && keep_alive;
}

bool HttpServer::send_buffered_stream(int fd, HttpResponse& response, bool keep_alive) {
  std::string body;
  for (;;) {
    const auto poll = response.stream->next(body, options_.poll_interval);
    if (poll == BodyStream::Poll::End) break;
    if (stopping_ || detail::peer_closed(fd)) return false;  // drops the stream: cancels the work
  }
  response.stream->late_head(response.status, response.content_type, response.headers);
  response.body = std::move(body);
  response.stream.reset();
  return send_whole(fd, response, keep_alive);
}

bool HttpServer::send_streamed(int fd, const HttpRequest& request, HttpResponse& response, bool keep_alive) {
  const bool chunked = request.version_minor >= 1;
  if (!chunked) keep_alive = false;  // HTTP/1.0: the end of the body is the end of the connection
  std::string data;
  auto poll = BodyStream::Poll::Pending;
  // The head goes out with the first bytes so late_head() can report queue and prefill time.
  while ((poll = response.stream->next(data, options_.poll_interval)) == BodyStream::Poll::Pending) {
    if (stopping_ || detail::peer_closed(fd)) return false;
  }
  response.stream->late_head(response.status, response.content_type, response.headers);
  std::string out = head_text(response.status, response.content_type, response.headers);
  out += chunked ? "Transfer-Encoding: chunked\r\n" : "";
  out += connection_value(keep_alive);
  out += "\r\n";
  for (;;) {
    if (!data.empty()) out += chunked ? fmt::format("{:x}\r\n{}\r\n", data.size(), data) : data;
    data.clear();
    if (poll == BodyStream::Poll::End) break;
    if (!out.empty() && detail::write_all(fd, out) != IoStatus::Ok) return false;
    out.clear();
    if (stopping_ || detail::peer_closed(fd)) return false;
    poll = response.stream->next(data, options_.poll_interval);
  }
  if (chunked) {
    out += "0\r\n";
    for (const auto& [k, v] : response.stream->trailers()) out += fmt::format("{}: {}\r\n", k, v);
    out += "\r\n";
  }
  return detail::write_all(fd, out) == IoStatus::Ok && keep_alive;
}

bool HttpServer::send_error(int fd, int status, const std::string& message) {
  send_whole(fd, errors_(status, message), /*keep_alive=*/false);
  return false;
}

}  // namespace deploybench::serve
