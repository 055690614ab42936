#pragma once
// A TCP proxy on 127.0.0.1 that delays each direction, so a cloud-like round trip can be
// previewed against a local target (this kernel has no netem qdisc). Each chunk read at time t is
// forwarded at t + delay + U(-jitter, +jitter), never before the previous chunk of the same
// direction (TCP keeps order). A new connection's first bytes also wait one extra round trip, as
// a real TCP handshake would make them. With zero delay, chunks are forwarded inline by the
// reading thread (no queue, no timer), which keeps the proxy's own added latency small (measured
// in tests/target/delay_proxy_test.cpp).
#include <atomic>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/error.h"
#include "core/units.h"

namespace deploybench::target {

struct ProxyOptions {
  std::string upstream_host = "127.0.0.1";  // a name is resolved per connection
  int upstream_port = 0;
  Nanos delay{0};   // added to each direction
  Nanos jitter{0};  // uniform +- around delay; must not exceed it
  std::uint64_t seed = 1;
};

/// Threading: start() and stop() from one thread; connections are served by their own threads
/// (two per connection, four when delaying).
class DelayProxy {
 public:
  /// Listens on 127.0.0.1 at a free port and starts accepting.
  static Result<std::unique_ptr<DelayProxy>> start(const ProxyOptions& options);
  ~DelayProxy();
  DelayProxy(const DelayProxy&) = delete;
  DelayProxy& operator=(const DelayProxy&) = delete;

  int port() const { return port_; }
  /// Stops accepting, closes every connection and joins every thread. Idempotent.
  void stop();
  std::uint64_t connections_accepted() const { return accepted_.load(); }

  struct Connection;  // one proxied client connection (delay_proxy.cpp)

 private:
  explicit DelayProxy(ProxyOptions options);
  void accept_loop();
  void reap_finished();

  ProxyOptions options_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> accepted_{0};
  std::thread acceptor_;
  std::mutex mu_;  // guards connections_
  std::list<std::unique_ptr<Connection>> connections_;
};

}  // namespace deploybench::target
