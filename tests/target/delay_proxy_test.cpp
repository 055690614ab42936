// Integration: the delay proxy against the stub server on loopback, with real sockets. Also the
// measurement of the proxy's own added latency at zero delay (printed as a warning).
#include "target/delay_proxy.h"

#include <curl/curl.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

#include "target/target.h"
#include "test_env.h"

using namespace deploybench;
using namespace deploybench::target;
using namespace deploybench::target::testing;

namespace {

/// Keep-alive GET round trips on one connection; returns each request's latency.
std::vector<Nanos> round_trips(const std::string& url, int n, bool fresh_connection_each = false) {
  std::vector<Nanos> out;
  CURL* c = curl_easy_init();
  std::string sink;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(c, CURLOPT_FORBID_REUSE, fresh_connection_each ? 1L : 0L);
  curl_easy_setopt(
      c, CURLOPT_WRITEFUNCTION, +[](char*, std::size_t s, std::size_t m, void*) { return s * m; });
  for (int i = 0; i < n; ++i) {
    const auto t0 = SteadyClock::now();
    if (curl_easy_perform(c) != CURLE_OK) break;
    out.push_back(SteadyClock::now() - t0);
  }
  curl_easy_cleanup(c);
  return out;
}

Nanos median(std::vector<Nanos> v) {
  if (v.empty()) return Nanos{0};
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

/// The stub server as a local target (the user's-own-command path), for a fast upstream.
struct Upstream {
  TestEnv t;
  std::unique_ptr<Target> target;
  int port = 0;
  Upstream() {
    LocalConfig local;
    local.command = {stub_server().string(), "--port", "{port}"};
    local.limits.cpuset = "0-1";  // unpinned: the measurement is about the proxy, not placement
    auto made = make_target({"upstream", local, {}, {}, std::chrono::seconds{10}}, t.env);
    REQUIRE(made.ok());
    target = std::move(*made);
    auto ep = target->deploy({"run-proxy", {}});
    REQUIRE(ep.ok());
    port = std::stoi(ep->base_url.substr(ep->base_url.rfind(':') + 1));
  }
  ~Upstream() { (void)target->teardown(); }
};

}  // namespace

TEST_CASE("delay proxy at zero delay adds negligible latency (measured)", "[target][proxy]") {
  Upstream up;
  auto proxy = DelayProxy::start({"127.0.0.1", up.port, Nanos{0}, Nanos{0}, 1});
  REQUIRE(proxy.ok());
  const auto direct_url = "http://127.0.0.1:" + std::to_string(up.port) + "/health";
  const auto proxied_url = "http://127.0.0.1:" + std::to_string((*proxy)->port()) + "/health";
  std::vector<Nanos> direct, proxied;
  for (int block = 0; block < 5; ++block) {  // interleaved blocks: both see the same machine load
    auto d = round_trips(direct_url, 300);
    auto p = round_trips(proxied_url, 300);
    direct.insert(direct.end(), d.begin(), d.end());
    proxied.insert(proxied.end(), p.begin(), p.end());
  }
  REQUIRE(direct.size() == 1500);
  REQUIRE(proxied.size() == 1500);
  const auto added = median(proxied) - median(direct);
  WARN("delay proxy, zero delay, keep-alive GET /health: direct median "
       << format_duration(median(direct)) << ", proxied median " << format_duration(median(proxied)) << ", added "
       << format_duration(added));
  // Not a speed target: two more loopback hops cost ~100-350 us on this shared 2-core machine (one
  // CI run measured 334 us against an old 300 us bound). The bound catches the bugs that matter,
  // Nagle's algorithm with delayed ACKs (~40 ms) or a polling loop (>= 1 ms per hop).
  CHECK(added < std::chrono::milliseconds{2});
  (*proxy)->stop();
}

TEST_CASE("delay proxy delays each direction, and a new connection pays the handshake", "[target][proxy]") {
  Upstream up;
  auto proxy = DelayProxy::start({"127.0.0.1", up.port, std::chrono::milliseconds{20}, Nanos{0}, 1});
  REQUIRE(proxy.ok());
  const auto url = "http://127.0.0.1:" + std::to_string((*proxy)->port()) + "/health";
  const auto keep_alive = round_trips(url, 10);
  REQUIRE(keep_alive.size() == 10);
  // The first request on the connection: handshake round trip + request round trip.
  CHECK(keep_alive.front() >= std::chrono::milliseconds{79});
  CHECK(keep_alive.front() < std::chrono::milliseconds{150});
  const std::vector<Nanos> warm(keep_alive.begin() + 1, keep_alive.end());
  for (auto rtt : warm) {
    CHECK(rtt >= std::chrono::milliseconds{39});
    CHECK(rtt < std::chrono::milliseconds{100});
  }
  const auto fresh = round_trips(url, 3, /*fresh_connection_each=*/true);
  REQUIRE(fresh.size() == 3);
  for (auto rtt : fresh) CHECK(rtt >= std::chrono::milliseconds{79});
  CHECK((*proxy)->connections_accepted() == 4);
}

TEST_CASE("delay proxy jitter spreads round trips within delay +- jitter per direction", "[target][proxy]") {
  Upstream up;
  auto proxy =
      DelayProxy::start({"127.0.0.1", up.port, std::chrono::milliseconds{10}, std::chrono::milliseconds{5}, 7});
  REQUIRE(proxy.ok());
  auto rtts = round_trips("http://127.0.0.1:" + std::to_string((*proxy)->port()) + "/health", 30);
  REQUIRE(rtts.size() == 30);
  rtts.erase(rtts.begin());  // the handshake
  const auto [lo, hi] = std::minmax_element(rtts.begin(), rtts.end());
  CHECK(*lo >= std::chrono::milliseconds{10});  // 2 x (10 - 5)
  CHECK(*hi < std::chrono::milliseconds{60});   // 2 x (10 + 5), plus scheduling slack
  CHECK(*hi - *lo > std::chrono::milliseconds{1});
}

TEST_CASE("delay proxy rejects jitter above the delay and closes clients when the upstream is gone",
          "[target][proxy]") {
  CHECK_FALSE(DelayProxy::start({"127.0.0.1", 1, std::chrono::milliseconds{1}, std::chrono::milliseconds{2}, 1}).ok());
  auto port = 0;
  {
    Upstream up;
    port = up.port;
  }  // the upstream is torn down: nothing listens on its port now
  auto proxy = DelayProxy::start({"127.0.0.1", port, Nanos{0}, Nanos{0}, 1});
  REQUIRE(proxy.ok());
  CHECK(round_trips("http://127.0.0.1:" + std::to_string((*proxy)->port()) + "/health", 1).empty());
}
