#pragma once
// The epoll set one worker sleeps on, fed by curl's socket callback (CURLMOPT_SOCKETFUNCTION).
//
// Why not a plain mirror of curl's requests: after every response curl stops watching a
// keep-alive connection's socket (CURL_POLL_REMOVE, as the connection goes back to its cache)
// and watches it again when the next request starts on it, which mirrored costs two epoll_ctl
// calls per request. Here the registration of a connection socket stays while it sits idle and
// is reconciled lazily:
//   - re-watching with the registered events costs nothing;
//   - an idle socket that becomes ready (the server closed it, or sent stray bytes) is dropped
//     from the set when the event arrives, so a level-triggered event cannot spin the loop;
//   - idle sockets registered for writing are dropped at once (an idle socket is always writable);
//   - this is safe only because the set sees every such socket open and close: curl opens and
//     closes connection sockets through the hooks `attach` installs on each easy handle, so a
//     closed descriptor number reused for a new socket is never mistaken for a registration.
// Any other descriptor curl asks to watch (e.g. a resolver's notification pipe) is mirrored
// exactly (added and removed when curl says).
#include <curl/curl.h>
#include <sys/epoll.h>

#include <cstdint>
#include <span>
#include <vector>

#include "core/error.h"

namespace deploybench::loadgen {

class EventSet {
 public:
  EventSet() = default;
  ~EventSet();
  EventSet(const EventSet&) = delete;
  EventSet& operator=(const EventSet&) = delete;

  Status init();
  /// Watches `fd` for input permanently (a timerfd), outside curl's bookkeeping.
  void add_permanent(int fd);
  /// Routes the connection sockets of `easy` through this set's open/close hooks. The hooks stay
  /// with each connection in the multi handle's cache, so this set must outlive the multi handle.
  void attach(CURL* easy);

  /// curl's CURL_POLL_IN / OUT / INOUT for `fd` (as EPOLLIN / EPOLLOUT bits).
  void watch(int fd, std::uint32_t events);
  /// curl's CURL_POLL_REMOVE for `fd`.
  void unwatch(int fd);

  /// Sleeps up to `timeout_ms` and returns the events of watched descriptors, in `buffer`.
  std::span<epoll_event> wait(std::span<epoll_event> buffer, int timeout_ms);

  /// Connection sockets open now (tests check that closes are seen).
  int open_sockets() const noexcept { return open_sockets_; }

 private:
  struct Entry {
    std::uint32_t registered = 0;  // events in the kernel's set (0: not in it)
    bool wanted = false;           // curl (or add_permanent) wants events now
    bool hooked = false;           // opened through our hook: its close will be seen
  };
  Entry& entry(int fd);
  void set_registration(int fd, Entry& e, std::uint32_t events);
  static curl_socket_t open_hook(void* self, curlsocktype purpose, curl_sockaddr* address);
  static int close_hook(void* self, curl_socket_t fd);

  int epoll_fd_ = -1;
  int open_sockets_ = 0;
  std::vector<Entry> entries_;  // indexed by descriptor
};

}  // namespace deploybench::loadgen
