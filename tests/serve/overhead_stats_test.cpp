// Summaries used by refbot overhead (serve/overhead_stats.h) and the thread counters it reads
// from /proc (serve/thread_stats.h).
#include "serve/overhead_stats.h"

#include <pthread.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <latch>
#include <thread>

#include "serve/thread_stats.h"
#include "stats/sample.h"

using namespace deploybench;
using namespace deploybench::serve;

TEST_CASE("the median's bootstrap interval holds the median and narrows with more samples", "[serve][overhead]") {
  auto samples = [](int n) {  // a deterministic zig-zag around 0.03 with a spread of +-0.10
    std::vector<double> v;
    for (int i = 0; i < n; ++i) v.push_back(0.03 + 0.10 * (((i * 37) % 21) - 10) / 10.0);
    return v;
  };
  const auto few = samples(21), many = samples(210);
  const Interval a = median_interval(few, 0.95, 5, 500, 7);
  const Interval b = median_interval(many, 0.95, 5, 500, 7);
  CHECK(a.low <= stats::quantile(few, 0.5));
  CHECK(a.high >= stats::quantile(few, 0.5));
  CHECK(b.low <= stats::quantile(many, 0.5));
  CHECK(b.high >= stats::quantile(many, 0.5));
  CHECK(b.high - b.low < a.high - a.low);
  // The same seed gives the same interval; a constant sample gives a point.
  const Interval again = median_interval(few, 0.95, 5, 500, 7);
  CHECK(again.low == a.low);
  CHECK(again.high == a.high);
  const Interval flat = median_interval(std::vector<double>(30, 0.02), 0.95, 5, 200, 1);
  CHECK(flat.low == Approx(0.02));
  CHECK(flat.high == Approx(0.02));
  CHECK(median_interval({}, 0.95, 5, 10, 1).low == 0);
}

TEST_CASE("thread counters see a thread's CPU time and find it by name", "[serve][overhead]") {
  const auto before = read_thread_stats();
  REQUIRE(before);
  volatile double sink = 0;
  for (int i = 0; i < 20'000'000; ++i) sink = sink + i * 0.5;  // some CPU time on this thread
  const auto after = read_thread_stats();
  REQUIRE(after);
  const ThreadStats d = *after - *before;
  CHECK(d.cpu > Nanos::zero());
  CHECK(d.run_delay >= Nanos::zero());
  CHECK(d.voluntary >= 0);

  std::latch named(1);
  std::atomic<bool> stop{false};
  std::thread worker([&] {
    ::pthread_setname_np(::pthread_self(), "stats-probe");
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // one voluntary switch before it is read
    named.count_down();
    while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  named.wait();
  const auto tid = find_thread("stats-probe");
  REQUIRE(tid);
  const auto other = read_thread_stats(*tid);
  stop = true;
  worker.join();
  REQUIRE(other);
  CHECK(other->voluntary > 0);  // it has slept at least once
  CHECK_FALSE(find_thread("no-such-thread"));
}
