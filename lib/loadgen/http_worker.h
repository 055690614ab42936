#pragma once
// One load-generator thread: its own curl multi handle (so its own keep-alive connections),
// its own metrics accumulator and lag histogram, no locks on the hot path (wrk2's design).
// Event loop: curl's socket interface on an epoll set (EventSet: keeps idle keep-alive sockets
// registered) plus a timerfd for the next scheduled send, so each wakeup costs O(ready sockets),
// not O(connections) as curl_multi_poll would.
// Workers share only a few atomics: the in-flight count, the measured-request tickets, the
// prompt cursor and progress counters.
#include <curl/curl.h>

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "loadgen/event_set.h"
#include "loadgen/metrics.h"
#include "loadgen/transfer.h"
#include "loadgen/workload.h"

namespace deploybench::loadgen {

struct ScheduledSend {
  Nanos at{0};  // offset from the run start
  std::uint32_t prompt = 0;
  bool measured = false;
};

/// State every worker of one run reads and updates (atomics only).
struct SharedRunState {
  TimePoint t0;
  std::atomic<std::int64_t> outstanding{0};   // open loop: waiting + in flight, for the cap
  std::atomic<std::uint64_t> tickets{0};      // closed loop: measured requests claimed
  std::atomic<std::uint64_t> next_prompt{0};  // closed loop: prompt cursor
  std::atomic<bool> stop{false};              // abandon the run (interrupt, or giving up)
  std::uint64_t give_up_after = 0;            // RunOptions::give_up_after_failures, set before the workers start
  std::atomic<bool> gave_up{false};           // a worker saw the give_up_after-th failure with no success yet
  std::atomic<std::uint64_t> sent{0}, completed{0}, failed{0}, dropped{0};  // for progress
};

struct WorkerSpec {
  const RequestTemplate* request = nullptr;
  const std::vector<PreparedRequest>* prompts = nullptr;  // empty for GET
  Nanos warmup{0};
  Nanos window_end = kNever;  // closed loop: no new request after this offset (kNever: none)
  std::optional<std::uint64_t> max_requests;
  bool open_loop = false;
  std::vector<ScheduledSend> schedule;  // open loop: this worker's share, by time
  int max_in_flight = 0;                // open loop: global cap (waiting + in flight)
  int slots = 1;                        // concurrent transfers (closed loop: users)
  Nanos think_time{0};
  bool keep_records = false;
  std::optional<GoodputSlo> slo;
};

struct WorkerResult {
  explicit WorkerResult(bool open_loop, std::optional<GoodputSlo> slo) : metrics(open_loop, std::move(slo)) {}
  MetricsAccumulator metrics;
  stats::LatencyHistogram lag;         // measured sends: actual handling - intended time
  std::vector<RequestRecord> records;  // all requests, warmup too, when kept
  std::optional<RequestRecord> first;  // the first request this worker sent
  Nanos last_measured_done = kNever;
  double window_cpu_s = 0, window_wall_s = 0;         // this thread, over the measured window
  std::map<std::string, std::string> error_examples;  // one response body per error kind (measured)
  std::string first_error;                            // "<kind>: <body>" of this worker's first failure, warmup too
};

class HttpWorker {
 public:
  HttpWorker(WorkerSpec spec, SharedRunState& shared);
  ~HttpWorker();
  HttpWorker(const HttpWorker&) = delete;
  HttpWorker& operator=(const HttpWorker&) = delete;

  Status init();
  /// Runs until this worker's share of the load is done (or shared.stop). Call once.
  void run();
  WorkerResult& result() { return result_; }

 private:
  Nanos now() const { return SteadyClock::now() - shared_.t0; }
  Transfer* take_slot();
  void start(Transfer* slot, std::uint32_t prompt, Nanos scheduled, bool measured);
  void release_due(Nanos now);
  void start_pending();
  void start_ready_users(Nanos now);
  void reap();
  void finish_transfer(Transfer* t, CURLcode code);
  void account(const RequestRecord& r, const std::string& error_body);
  bool finished() const;
  Nanos next_wakeup(Nanos now) const;
  void wait_for_events(Nanos next);
  void arm_timer(Nanos next);
  static int on_socket(CURL* easy, curl_socket_t fd, int what, void* self, void* registered);
  static int on_curl_timer(CURLM* multi, long timeout_ms, void* self);
  void mark_window(Nanos now);
  void abort_all();

  WorkerSpec spec_;
  SharedRunState& shared_;
  WorkerResult result_;
  CURLM* multi_ = nullptr;
  curl_slist* headers_ = nullptr;
  CURLU* url_ = nullptr;  // spec_.request->url, parsed once
  EventSet events_;       // outlives multi_ (freed in the destructor body): cached connections close through it
  int timer_fd_ = -1;
  Nanos timer_armed_ = kNever;    // what timer_fd_ is set to
  Nanos curl_deadline_ = kNever;  // when curl wants socket_action(CURL_SOCKET_TIMEOUT)
  std::vector<std::unique_ptr<Transfer>> slots_;
  std::vector<Transfer*> free_;
  int active_ = 0;
  bool sent_any_ = false;
  std::size_t next_sched_ = 0;
  std::deque<ScheduledSend> pending_;
  std::vector<Nanos> user_ready_;  // closed loop: when each idle user may send; kNever = retired/busy
  std::vector<bool> user_retired_;
  bool window_marked_ = false;
  double cpu_at_window_ = 0;
  Nanos wall_at_window_{0};
};

}  // namespace deploybench::loadgen
