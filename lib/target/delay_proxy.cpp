#include "target/delay_proxy.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <vector>

#include "core/rng.h"

namespace deploybench::target {
namespace {

constexpr std::size_t kChunk = 64 * 1024;

void set_nodelay(int fd) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

bool write_all(int fd, const char* data, std::size_t len) {
  while (len > 0) {
    const ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    len -= static_cast<std::size_t>(n);
  }
  return true;
}

int connect_upstream(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) return -1;
  int fd = -1;
  for (auto* ai = res; ai != nullptr; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
    if (fd >= 0) close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd >= 0) set_nodelay(fd);
  return fd;
}

/// One direction of a connection: src is read, dst is written.
class Direction {
 public:
  /// `abort_connection` aborts both directions (a failure in one ends the connection).
  Direction(int src, int dst, Nanos delay, Nanos jitter, std::uint64_t seed, TimePoint not_before,
            std::function<void()> abort_connection)
      : src_(src),
        dst_(dst),
        delay_(delay),
        jitter_(jitter),
        rng_(seed),
        not_before_(not_before),
        abort_connection_(std::move(abort_connection)) {}

  /// Reads until EOF or error. With zero delay it forwards inline; otherwise it queues chunks
  /// for write_loop().
  void read_loop() {
    std::string buf(kChunk, '\0');
    for (;;) {
      const ssize_t n = recv(src_, buf.data(), buf.size(), 0);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        if (n == 0)
          finish(/*eof=*/true);
        else
          abort_connection_();
        return;
      }
      if (delay_ == Nanos{0}) {
        if (!write_all(dst_, buf.data(), static_cast<std::size_t>(n))) return abort_connection_();
        continue;
      }
      enqueue(std::string(buf.data(), static_cast<std::size_t>(n)), false);
    }
  }

  /// Writes queued chunks when they are due (only used with a delay).
  void write_loop() {
    for (;;) {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !queue_.empty() || aborted_; });
      if (aborted_) return;
      const TimePoint due = queue_.front().due;
      if (cv_.wait_until(lock, due, [&] { return aborted_; })) return;
      Chunk c = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      if (c.eof) {
        shutdown(dst_, SHUT_WR);
        return;
      }
      if (!write_all(dst_, c.data.data(), c.data.size())) return abort_connection_();
    }
  }

  /// Wakes the writer for good and unblocks the reader.
  void abort_local() {
    {
      std::lock_guard lock(mu_);
      aborted_ = true;
    }
    cv_.notify_all();
    shutdown(src_, SHUT_RDWR);
    shutdown(dst_, SHUT_RDWR);
  }

 private:
  struct Chunk {
    TimePoint due;
    std::string data;
    bool eof = false;
  };

  void finish(bool eof) {
    if (delay_ == Nanos{0}) {
      shutdown(dst_, SHUT_WR);
      return;
    }
    enqueue({}, eof);
  }

  void enqueue(std::string data, bool eof) {
    const auto now = SteadyClock::now();
    const double spread = jitter_ == Nanos{0} ? 0.0 : (rng_.uniform() * 2 - 1) * static_cast<double>(jitter_.count());
    const auto d = delay_ + Nanos{static_cast<Nanos::rep>(spread)};
    {
      std::lock_guard lock(mu_);
      last_due_ = std::max(last_due_, std::max(now, not_before_) + d);
      queue_.push_back({last_due_, std::move(data), eof});
    }
    cv_.notify_all();
  }

  int src_, dst_;
  Nanos delay_, jitter_;
  Rng rng_;
  TimePoint not_before_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::function<void()> abort_connection_;
  std::deque<Chunk> queue_;
  TimePoint last_due_{};
  bool aborted_ = false;
};

}  // namespace

struct DelayProxy::Connection {
  int client = -1;
  int upstream = -1;
  std::thread main;                  // connects, then reads client->upstream
  std::vector<std::thread> helpers;  // started by `main`; joined after it
  std::atomic<int> live{1};          // running threads; the connection is done at 0

  ~Connection() {
    if (main.joinable()) main.join();
    for (auto& t : helpers) t.join();
    if (client >= 0) close(client);
    if (upstream >= 0) close(upstream);
  }
  bool done() const { return live.load() == 0; }

  void run(const ProxyOptions& o, std::uint64_t index, TimePoint accepted) {
    const int fd = connect_upstream(o.upstream_host, o.upstream_port);
    {
      std::lock_guard lock(mu);
      upstream = fd;
      if (fd < 0 || aborted) {
        shutdown(client, SHUT_RDWR);
        --live;
        return;
      }
      auto abort_all = [this] { abort(); };
      // The client's first bytes wait for the round trip a real TCP handshake would have cost.
      up = std::make_unique<Direction>(client, upstream, o.delay, o.jitter, o.seed + 2 * index, accepted + 2 * o.delay,
                                       abort_all);
      down = std::make_unique<Direction>(upstream, client, o.delay, o.jitter, o.seed + 2 * index + 1, TimePoint{},
                                         abort_all);
    }
    spawn([this] { down->read_loop(); });
    if (o.delay > Nanos{0}) {
      spawn([this] { up->write_loop(); });
      spawn([this] { down->write_loop(); });
    }
    up->read_loop();
    --live;
  }

  void abort() {
    std::lock_guard lock(mu);
    aborted = true;
    if (up) up->abort_local();
    if (down) down->abort_local();
    shutdown(client, SHUT_RDWR);
  }

 private:
  template <typename F>
  void spawn(F f) {
    ++live;
    helpers.emplace_back([this, f] {
      f();
      --live;
    });
  }

  std::mutex mu;  // guards up, down, aborted against abort() from other threads
  bool aborted = false;
  std::unique_ptr<Direction> up, down;  // client->upstream, upstream->client
};

DelayProxy::DelayProxy(ProxyOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<DelayProxy>> DelayProxy::start(const ProxyOptions& options) {
  if (options.jitter > options.delay || options.delay < Nanos{0}) {
    return make_error(ErrorCode::InvalidArgument, "proxy jitter must lie in [0, delay]");
  }
  std::unique_ptr<DelayProxy> p(new DelayProxy(options));
  p->listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (p->listen_fd_ < 0 || bind(p->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(p->listen_fd_, 512) != 0 || getsockname(p->listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return make_error(ErrorCode::Io, std::string("delay proxy: cannot listen on 127.0.0.1: ") + strerror(errno));
  }
  p->port_ = ntohs(addr.sin_port);
  p->acceptor_ = std::thread([raw = p.get()] { raw->accept_loop(); });
  return p;
}

void DelayProxy::accept_loop() {
  while (!stopping_) {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // stop() shut the socket down
    }
    set_nodelay(fd);
    const auto accepted = SteadyClock::now();
    reap_finished();
    std::lock_guard lock(mu_);
    if (stopping_) {
      close(fd);
      return;
    }
    auto conn = std::make_unique<Connection>();
    conn->client = fd;
    auto* raw = conn.get();
    const auto index = accepted_++;
    raw->main = std::thread([this, raw, index, accepted] { raw->run(options_, index, accepted); });
    connections_.push_back(std::move(conn));
  }
}

void DelayProxy::reap_finished() {
  std::list<std::unique_ptr<Connection>> finished;
  {
    std::lock_guard lock(mu_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      if ((*it)->done()) {
        finished.push_back(std::move(*it));
        it = connections_.erase(it);
      } else {
        ++it;
      }
    }
  }
  // Every thread of these has returned: destroying them only joins and closes.
}

void DelayProxy::stop() {
  if (stopping_.exchange(true)) return;
  if (listen_fd_ >= 0) shutdown(listen_fd_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  listen_fd_ = -1;
  std::list<std::unique_ptr<Connection>> all;
  {
    std::lock_guard lock(mu_);
    all.swap(connections_);
  }
  for (auto& c : all) c->abort();
  all.clear();  // joins every thread
}

DelayProxy::~DelayProxy() { stop(); }

}  // namespace deploybench::target
