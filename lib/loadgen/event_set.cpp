#include "loadgen/event_set.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace deploybench::loadgen {

EventSet::~EventSet() {
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

Status EventSet::init() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return make_error(ErrorCode::Failed, std::string("epoll_create1: ") + std::strerror(errno));
  return Ok{};
}

EventSet::Entry& EventSet::entry(int fd) {
  const auto i = static_cast<std::size_t>(fd);
  if (i >= entries_.size()) entries_.resize(i + 64);
  return entries_[i];
}

void EventSet::add_permanent(int fd) {
  Entry& e = entry(fd);
  e.wanted = true;
  set_registration(fd, e, EPOLLIN);
}

void EventSet::attach(CURL* easy) {
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &EventSet::open_hook);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, this);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &EventSet::close_hook);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
}

// Makes the kernel's registration of `fd` equal `events` (0: none). The fallbacks cover a
// registration the kernel dropped or kept without our knowing (descriptors curl opened itself).
void EventSet::set_registration(int fd, Entry& e, std::uint32_t events) {
  if (events == 0) {
    if (e.registered != 0) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);  // may be closed already
    e.registered = 0;
    return;
  }
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  const int op = e.registered != 0 ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (epoll_ctl(epoll_fd_, op, fd, &ev) != 0) {
    if (op == EPOLL_CTL_ADD && errno == EEXIST) epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev);
    if (op == EPOLL_CTL_MOD && errno == ENOENT) epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  }
  e.registered = events;
}

void EventSet::watch(int fd, std::uint32_t events) {
  Entry& e = entry(fd);
  e.wanted = true;
  // A descriptor we did not open may have been closed and its number reused since the last
  // time: always tell the kernel. Ours are tracked exactly, so an equal registration is current.
  if (e.hooked && e.registered == events) return;
  set_registration(fd, e, events);
}

void EventSet::unwatch(int fd) {
  Entry& e = entry(fd);
  e.wanted = false;
  if (!e.hooked || (e.registered & EPOLLOUT)) set_registration(fd, e, 0);
}

std::span<epoll_event> EventSet::wait(std::span<epoll_event> buffer, int timeout_ms) {
  const int n = epoll_wait(epoll_fd_, buffer.data(), static_cast<int>(buffer.size()), timeout_ms);
  std::size_t kept = 0;
  for (int i = 0; i < n; ++i) {
    const int fd = buffer[static_cast<std::size_t>(i)].data.fd;
    Entry& e = entry(fd);
    if (!e.wanted) {  // an idle keep-alive socket became ready: stop watching it (see the header)
      set_registration(fd, e, 0);
      continue;
    }
    buffer[kept++] = buffer[static_cast<std::size_t>(i)];
  }
  return buffer.first(kept);
}

curl_socket_t EventSet::open_hook(void* self, curlsocktype, curl_sockaddr* address) {
  auto* set = static_cast<EventSet*>(self);
  const int fd = socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (fd < 0) return CURL_SOCKET_BAD;
  set->entry(fd) = Entry{0, false, true};
  ++set->open_sockets_;
  return fd;
}

int EventSet::close_hook(void* self, curl_socket_t fd) {
  auto* set = static_cast<EventSet*>(self);
  Entry& e = set->entry(fd);
  set->set_registration(fd, e, 0);  // before close: the number may be reused right after
  if (e.hooked) --set->open_sockets_;
  e = Entry{};
  return close(fd);
}

}  // namespace deploybench::loadgen
