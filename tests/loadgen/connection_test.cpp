// Integration tests for connection handling: connections the server closes (after each response,
// or while idle between requests) are replaced without errors, stalls or a spinning event loop;
// HTTPS against a real TLS loopback server with a self-signed certificate made at test time.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "loadgen/load_generator.h"
#include "loadgen/load_test_support.h"
#include "loadgen/sse_test_server.h"
#include "support/self_signed_cert.h"

using namespace deploybench;
using namespace deploybench::loadgen;
using namespace std::chrono_literals;
using testing::by_count;
using testing::fast;
using testing::SseServerOptions;
using testing::SelfSignedCert;
using testing::SseTestServer;
using testing::tokens;

namespace {

int new_connections(const LoadResult& r) {
  int n = 0;
  for (const auto& rec : r.records) n += rec.connect != kNever ? 1 : 0;
  return n;
}


}  // namespace

TEST_CASE("connections the server closes after every response are replaced", "[integration]") {
  auto o = fast();
  o.keep_alive_max = 1;  // "Connection: close" on every response
  SseTestServer server(o);
  RunOptions opts;
  opts.keep_records = true;
  const auto r = run_load({server.base_url(), "test-model", "", {}, true, {}}, tokens(3), by_count(4, 60), opts);
  REQUIRE(r.ok());
  REQUIRE(r->metrics.completed == 60);
  REQUIRE(r->metrics.errors == 0);
  REQUIRE(new_connections(*r) == 60);  // every request opened its own connection
}

TEST_CASE("idle keep-alive connections the server closed are replaced, without spinning", "[integration]") {
  auto o = fast();
  o.keep_alive_timeout_s = 1;
  SseTestServer server(o);
  RunOptions opts;
  opts.keep_records = true;
  opts.http_get = true;
  // Two users, two requests each, 1.8 s apart: the server closes both idle connections after 1 s.
  const auto r = run_load({server.base_url() + "/health", "", "", {}, true, {}}, tokens(1), by_count(2, 4, 1800ms), opts);
  REQUIRE(r.ok());
  REQUIRE(r->metrics.completed == 4);
  REQUIRE(r->metrics.errors == 0);
  REQUIRE(new_connections(*r) == 4);
  // The closed sockets turned readable while idle; a loop that kept waking on them would burn
  // most of a core for the last 0.8 s. Generous: a loop that sleeps uses a few ms.
  REQUIRE(r->generator.cpu_seconds < 0.25);
}

TEST_CASE("HTTPS: a CA file or --insecure connect, an untrusted certificate is a connect error", "[integration]") {
  SelfSignedCert tls;
  REQUIRE(tls.generated);  // needs the openssl command (scripts/setup.sh installs it)
  auto o = fast();
  o.cert_file = tls.cert;
  o.key_file = tls.key;
  SseTestServer server(o);
  REQUIRE(server.base_url().rfind("https://", 0) == 0);
  const Endpoint endpoint{server.base_url(), "", "", {}, true, {}};

  SECTION("trusting the CA: streamed chat works and TLS time is recorded per new connection") {
    RunOptions opts;
    opts.tls.ca_file = tls.cert;
    opts.keep_records = true;
    const auto r = run_load(endpoint, tokens(4), by_count(2, 20), opts);
    REQUIRE(r.ok());
    REQUIRE(r->model == "test-model");  // discovered over HTTPS too
    REQUIRE(r->metrics.completed == 20);
    REQUIRE(r->metrics.output_tokens == 80);
    REQUIRE(new_connections(*r) == 2);  // kept alive: one handshake per user
    for (const auto& rec : r->records) {
      if (rec.connect == kNever) continue;
      REQUIRE(rec.tls != kNever);
      REQUIRE(rec.tls > rec.connect);  // the handshake ends after the TCP connect
    }
    REQUIRE(r->metrics.connect);
  }
  SECTION("skipping verification works") {
    RunOptions opts;
    opts.tls.insecure = true;
    opts.http_get = true;
    const auto r = run_load({server.base_url() + "/health", "", "", {}, true, {}}, tokens(1), by_count(2, 10), opts);
    REQUIRE(r.ok());
    REQUIRE(r->metrics.completed == 10);
  }
  SECTION("without either, requests fail as connect errors that say why") {
    RunOptions opts;
    opts.http_get = true;
    const auto r = run_load({server.base_url() + "/health", "", "", {}, true, {}}, tokens(1), by_count(2, 6), opts);
    REQUIRE(r.ok());
    REQUIRE(r->metrics.completed == 0);
    REQUIRE(r->metrics.errors_by_kind.at("connect") == 6);
    REQUIRE_THAT(r->error_examples.at("connect"), Catch::Contains("certificate"));
    const auto discovery = run_load(endpoint, tokens(1), by_count(1, 1), RunOptions{});
    REQUIRE_FALSE(discovery.ok());
    REQUIRE_THAT(discovery.error().hint, Catch::Contains("--cacert"));
  }
}
