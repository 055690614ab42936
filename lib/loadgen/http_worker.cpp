#include "loadgen/http_worker.h"

#include <fmt/core.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <ctime>

namespace deploybench::loadgen {
namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

constexpr int kIdlePollMs = 200;  // upper bound on a wait with nothing scheduled (re-checks stop)

}  // namespace

HttpWorker::HttpWorker(WorkerSpec spec, SharedRunState& shared)
    : spec_(std::move(spec)), shared_(shared), result_(spec_.open_loop, spec_.slo) {}

HttpWorker::~HttpWorker() {
  for (auto& t : slots_)
    if (multi_) curl_multi_remove_handle(multi_, t->easy());
  slots_.clear();
  if (multi_) curl_multi_cleanup(multi_);
  if (headers_) curl_slist_free_all(headers_);
  if (url_) curl_url_cleanup(url_);
  if (timer_fd_ >= 0) close(timer_fd_);
}

Status HttpWorker::init() {
  if (auto s = events_.init(); !s) return s;
  multi_ = curl_multi_init();
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (!multi_ || timer_fd_ < 0) return make_error(ErrorCode::Failed, "cannot create a curl multi handle or timerfd");
  events_.add_permanent(timer_fd_);
  url_ = curl_url();
  if (const CURLUcode rc =
          curl_url_set(url_, CURLUPART_URL, spec_.request->url.c_str(), CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME);
      rc != CURLUE_OK)
    return make_error(ErrorCode::InvalidArgument, fmt::format("URL {}: {}", spec_.request->url, curl_url_strerror(rc)),
                      "give a full URL such as http://127.0.0.1:8080");
  curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_NOTHING);  // HTTP/1.1, one request per connection
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(spec_.slots));
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &HttpWorker::on_socket);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &HttpWorker::on_curl_timer);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  for (const auto& h : spec_.request->headers) headers_ = curl_slist_append(headers_, h.c_str());
  if (!spec_.open_loop) {
    user_ready_.assign(static_cast<std::size_t>(spec_.slots), Nanos{0});
    user_retired_.assign(static_cast<std::size_t>(spec_.slots), false);
  }
  if (spec_.keep_records) result_.records.reserve(spec_.open_loop ? spec_.schedule.size() : 1024);
  return Ok{};
}

Transfer* HttpWorker::take_slot() {
  if (!free_.empty()) {
    Transfer* t = free_.back();
    free_.pop_back();
    return t;
  }
  if (static_cast<int>(slots_.size()) >= spec_.slots) return nullptr;
  slots_.push_back(std::make_unique<Transfer>(*spec_.request, headers_, url_, shared_.t0));
  events_.attach(slots_.back()->easy());
  return slots_.back().get();
}

void HttpWorker::start(Transfer* slot, std::uint32_t prompt, Nanos scheduled, bool measured) {
  RequestRecord r;
  r.scheduled = scheduled;
  r.prompt = prompt;
  r.measured = measured;
  const std::string* body = nullptr;
  if (!spec_.prompts->empty()) {
    const auto& p = (*spec_.prompts)[prompt % spec_.prompts->size()];
    body = &p.body;
    r.input_tokens = p.input_tokens;
  }
  slot->first = !sent_any_;
  sent_any_ = true;
  r.sent = now();
  if (!spec_.open_loop) r.scheduled = r.sent;  // closed loop: latency from the actual send
  slot->prepare(body, r, measured ? &result_.metrics.itl() : nullptr);
  curl_multi_add_handle(multi_, slot->easy());
  ++active_;
  shared_.sent.fetch_add(1, std::memory_order_relaxed);
}

// Open loop: every entry whose time has come is either queued for a connection or dropped at
// the in-flight cap. Lag is how late the generator handled it (its own health, not the target's).
void HttpWorker::release_due(Nanos t) {
  while (next_sched_ < spec_.schedule.size() && spec_.schedule[next_sched_].at <= t) {
    const ScheduledSend e = spec_.schedule[next_sched_++];
    if (e.measured) result_.lag.record(t - e.at);
    if (shared_.outstanding.fetch_add(1, std::memory_order_relaxed) >= spec_.max_in_flight) {
      shared_.outstanding.fetch_sub(1, std::memory_order_relaxed);
      RequestRecord r;
      r.scheduled = r.done = e.at;
      r.prompt = e.prompt;
      r.measured = e.measured;
      r.error = ErrorKind::Dropped;
      shared_.dropped.fetch_add(1, std::memory_order_relaxed);
      account(r, {});
      continue;
    }
    pending_.push_back(e);
  }
}

void HttpWorker::start_pending() {
  while (!pending_.empty()) {
    Transfer* slot = take_slot();
    if (!slot) return;
    const ScheduledSend e = pending_.front();
    pending_.pop_front();
    start(slot, e.prompt, e.at, e.measured);
  }
}

// Closed loop: each idle user whose think time is over sends its next request, unless the
// window is over or the measured-request tickets are used up (then it retires).
void HttpWorker::start_ready_users(Nanos t) {
  for (std::size_t u = 0; u < user_ready_.size(); ++u) {
    if (user_retired_[u] || user_ready_[u] == kNever || user_ready_[u] > t) continue;
    const bool measured = t >= spec_.warmup;
    if ((spec_.window_end != kNever && t >= spec_.window_end) || shared_.stop.load(std::memory_order_relaxed)) {
      user_retired_[u] = true;
      continue;
    }
    if (measured && spec_.max_requests &&
        shared_.tickets.fetch_add(1, std::memory_order_relaxed) >= *spec_.max_requests) {
      user_retired_[u] = true;
      continue;
    }
    Transfer* slot = take_slot();
    if (!slot) return;
    if (measured) result_.lag.record(t - user_ready_[u]);
    slot->user = static_cast<int>(u);
    user_ready_[u] = kNever;
    const auto prompt = static_cast<std::uint32_t>(shared_.next_prompt.fetch_add(1, std::memory_order_relaxed));
    start(slot, prompt, t, measured);
  }
}

void HttpWorker::reap() {
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
    if (msg->msg != CURLMSG_DONE) continue;
    Transfer* t = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
    const CURLcode code = msg->data.result;
    curl_multi_remove_handle(multi_, msg->easy_handle);
    if (t) finish_transfer(t, code);
  }
}

void HttpWorker::finish_transfer(Transfer* t, CURLcode code) {
  const Nanos noticed = now();
  const RequestRecord& r = t->complete(code, noticed);
  --active_;
  if (spec_.open_loop) shared_.outstanding.fetch_sub(1, std::memory_order_relaxed);
  if (t->first) result_.first = r;
  if (code != CURLE_OK)
    account(r, *t->curl_error() ? t->curl_error() : curl_easy_strerror(code));  // no body: say what curl saw
  else
    account(r, t->error_body());
  // Think time (and closed-loop lag) run from when the worker saw the completion.
  if (t->user >= 0) user_ready_[static_cast<std::size_t>(t->user)] = noticed + spec_.think_time;
  t->user = -1;
  free_.push_back(t);
}

void HttpWorker::account(const RequestRecord& r, const std::string& error_body) {
  if (r.ok()) {
    shared_.completed.fetch_add(1, std::memory_order_relaxed);
  } else {
    // RunOptions::give_up_after_failures: this failure may be the one that ends a run with no success.
    const std::uint64_t failed = shared_.failed.fetch_add(1, std::memory_order_relaxed) + 1;
    if (shared_.give_up_after > 0 && failed >= shared_.give_up_after &&
        shared_.completed.load(std::memory_order_relaxed) == 0 && !shared_.gave_up.exchange(true))
      shared_.stop.store(true);
    if (result_.first_error.empty())
      result_.first_error = error_key(r.error, r.http_status) + (error_body.empty() ? "" : ": " + error_body);
  }
  if (spec_.keep_records) result_.records.push_back(r);
  if (!r.measured) return;
  result_.metrics.add(r);
  if (r.error != ErrorKind::Dropped) result_.last_measured_done = std::max(result_.last_measured_done, r.done);
  if (!r.ok()) {
    auto key = error_key(r.error, r.http_status);
    if (!result_.error_examples.count(key)) result_.error_examples.emplace(std::move(key), error_body);
  }
}

bool HttpWorker::finished() const {
  if (active_ > 0) return false;
  if (spec_.open_loop) return next_sched_ >= spec_.schedule.size() && pending_.empty();
  return std::all_of(user_retired_.begin(), user_retired_.end(), [](bool r) { return r; });
}

// The next offset at which this worker has something to start (kNever: only socket events).
Nanos HttpWorker::next_wakeup(Nanos t) const {
  if (spec_.open_loop) {
    if (!pending_.empty() && (!free_.empty() || static_cast<int>(slots_.size()) < spec_.slots)) return t;
    return next_sched_ < spec_.schedule.size() ? spec_.schedule[next_sched_].at : kNever;
  }
  Nanos next = kNever;
  for (std::size_t u = 0; u < user_ready_.size(); ++u) {
    if (user_retired_[u] || user_ready_[u] == kNever) continue;
    next = next == kNever ? user_ready_[u] : std::min(next, user_ready_[u]);
  }
  return next;
}

// curl asks to watch (or stop watching) a socket.
int HttpWorker::on_socket(CURL*, curl_socket_t fd, int what, void* self, void*) {
  auto* w = static_cast<HttpWorker*>(self);
  if (what == CURL_POLL_REMOVE)
    w->events_.unwatch(fd);
  else
    w->events_.watch(fd, (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u));
  return 0;
}

// curl asks to be called back after `timeout_ms` (-1: cancel). Only recorded here: curl may not
// be re-entered from its own callback. 0 (the common case, after each curl_multi_add_handle)
// means "now", which needs no clock read.
int HttpWorker::on_curl_timer(CURLM*, long timeout_ms, void* self) {
  auto* w = static_cast<HttpWorker*>(self);
  w->curl_deadline_ = timeout_ms < 0    ? kNever
                      : timeout_ms == 0 ? Nanos{0}
                                        : w->now() + std::chrono::milliseconds{timeout_ms};
  return 0;
}

// Sets the timerfd to fire at offset `next` (nanosecond precision; kNever disarms). Skips the
// syscall when it is already set so.
void HttpWorker::arm_timer(Nanos next) {
  if (next == timer_armed_) return;
  timer_armed_ = next;
  itimerspec spec{};
  if (next != kNever) {
    const auto abs = (shared_.t0 + next).time_since_epoch();  // steady_clock is CLOCK_MONOTONIC
    spec.it_value.tv_sec = static_cast<time_t>(std::chrono::duration_cast<std::chrono::seconds>(abs).count());
    spec.it_value.tv_nsec = static_cast<long>((abs % std::chrono::seconds{1}).count());
    if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
  }
  timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

// Sleeps until socket activity or `next`, then lets curl handle every ready socket.
void HttpWorker::wait_for_events(Nanos next) {
  arm_timer(next);
  std::array<epoll_event, 64> buffer;
  int running = 0;
  for (const epoll_event& ev : events_.wait(buffer, kIdlePollMs)) {
    const int fd = ev.data.fd;
    if (fd == timer_fd_) {
      std::uint64_t expirations = 0;
      if (read(timer_fd_, &expirations, sizeof expirations) > 0) timer_armed_ = kNever;
      continue;
    }
    const int flags = (ev.events & (EPOLLIN | EPOLLHUP | EPOLLERR) ? CURL_CSELECT_IN : 0) |
                      (ev.events & (EPOLLOUT | EPOLLERR) ? CURL_CSELECT_OUT : 0) |
                      (ev.events & EPOLLERR ? CURL_CSELECT_ERR : 0);
    curl_multi_socket_action(multi_, fd, flags, &running);
  }
}

void HttpWorker::mark_window(Nanos t) {
  if (window_marked_ || t < spec_.warmup) return;
  window_marked_ = true;
  cpu_at_window_ = thread_cpu_seconds();
  wall_at_window_ = t;
}

void HttpWorker::abort_all() {
  for (auto& t : slots_) curl_multi_remove_handle(multi_, t->easy());
  active_ = 0;
}

void HttpWorker::run() {
  int running = 0;
  for (;;) {
    Nanos t = now();
    mark_window(t);
    if (shared_.stop.load(std::memory_order_relaxed)) {
      abort_all();
      break;
    }
    if (spec_.open_loop) {
      release_due(t);
      start_pending();
    } else {
      start_ready_users(t);
    }
    if (curl_deadline_ != kNever && curl_deadline_ <= now()) {
      curl_deadline_ = kNever;
      curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    reap();
    if (finished()) break;
    t = now();
    Nanos next = next_wakeup(t);
    if (curl_deadline_ != kNever) next = next == kNever ? curl_deadline_ : std::min(next, curl_deadline_);
    if (next != kNever && next <= t) continue;
    wait_for_events(next);
    reap();
  }
  if (!window_marked_) return;  // ended before the measured window: nothing to report
  result_.window_cpu_s = thread_cpu_seconds() - cpu_at_window_;
  result_.window_wall_s = to_seconds(now() - wall_at_window_);
}

}  // namespace deploybench::loadgen
