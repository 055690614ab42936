// Integration: the remote target against a loopback server behind the delay proxy.
#include "target/remote_target.h"

#include <stdlib.h>

#include <catch2/catch.hpp>

#include "http_test_client.h"
#include "test_env.h"

using namespace deploybench;
using namespace deploybench::target;
using namespace deploybench::target::testing;

namespace {

struct Stub {
  std::unique_ptr<Target> target;
  Endpoint endpoint;
};

/// The stub server as a local target: the OpenAI-compatible API the remote targets point at.
Stub deploy_stub(const Environment& env) {
  LocalConfig local;
  local.command = {stub_server().string(), "--port", "{port}"};
  auto server = make_target({"server", local, {}, {}, std::chrono::seconds{10}}, env);
  REQUIRE(server.ok());
  auto ep = (*server)->deploy({"run-remote", {}});
  REQUIRE(ep.ok());
  return {std::move(*server), *ep};
}

}  // namespace

TEST_CASE("base URLs split into scheme, host, port and path", "[target][remote]") {
  auto u = parse_base_url("https://api.example.com/openai/");
  REQUIRE(u.ok());
  CHECK(u->scheme == "https");
  CHECK(u->host == "api.example.com");
  CHECK(u->port == 443);
  CHECK(u->path == "/openai");
  u = parse_base_url("http://[::1]:8080");
  REQUIRE(u.ok());
  CHECK(u->host == "::1");
  CHECK(u->port == 8080);
  CHECK_FALSE(parse_base_url("http://host:99999").ok());
  CHECK_FALSE(parse_base_url("ftp://host").ok());
}

TEST_CASE("remote target behind a 40 ms delay proxy: key from the environment, never recorded",
          "[target][remote][proxy]") {
  TestEnv t;
  auto server = deploy_stub(t.env);

  const std::string secret = "sk-test-never-written";
  setenv("DEPLOYBENCH_TEST_API_KEY", secret.c_str(), 1);
  TargetConfig config{"cloud",
                      RemoteConfig{server.endpoint.base_url,
                                   "refbot",
                                   "DEPLOYBENCH_TEST_API_KEY",
                                   false,
                                   {},
                                   "/etc/ssl/certs/ca-certificates.crt"},
                      {},
                      NetworkEmulation{std::chrono::milliseconds{40}, Nanos{0}},
                      std::chrono::seconds{10}};
  auto remote = make_target(config, t.env);
  REQUIRE(remote.ok());
  CHECK((*remote)->kind() == "remote");
  auto ep = (*remote)->deploy({"run-remote", {}});
  REQUIRE(ep.ok());
  CHECK(ep->api_key == secret);
  CHECK(ep->model == "refbot");
  CHECK_FALSE(ep->verify_tls);  // the scenario's HTTPS settings travel with the endpoint to the load
  CHECK(ep->ca_file == "/etc/ssl/certs/ca-certificates.crt");
  CHECK(ep->base_url != server.endpoint.base_url);  // through the proxy
  std::string problem;
  const int problems = short_load(ep->base_url, problem, 2);
  INFO(problem);
  CHECK(problems == 0);
  const auto t0 = SteadyClock::now();
  CHECK(http(ep->base_url + "/health").status == 200);  // a new connection: handshake + request
  CHECK(SteadyClock::now() - t0 >= std::chrono::milliseconds{160});
  const auto info = (*remote)->describe();
  CHECK(info.details.at("api_key") == "from $DEPLOYBENCH_TEST_API_KEY");
  CHECK(info.details.at("tls_verify") == "off");
  CHECK(info.details.at("network_delay") == format_duration(std::chrono::milliseconds{40}));
  for (const auto& [k, v] : info.details) CHECK(v.find(secret) == std::string::npos);
  CHECK_FALSE((*remote)->sample_resources().ok());
  CHECK((*remote)->teardown().ok());
  CHECK(http(ep->base_url + "/health", {}, 500).status == 0);       // the proxy is gone
  CHECK(http(server.endpoint.base_url + "/health").status == 200);  // the server is not the remote's to stop

  unsetenv("DEPLOYBENCH_TEST_API_KEY");
  auto missing = make_target(config, t.env);
  REQUIRE(missing.ok());
  auto e = (*missing)->deploy({"run-remote", {}});
  REQUIRE_FALSE(e.ok());
  CHECK_THAT(e.error().message, Catch::Contains("DEPLOYBENCH_TEST_API_KEY"));
  CHECK((*missing)->teardown().ok());
  CHECK(server.target->teardown().ok());
}

TEST_CASE("remote readiness names what answered: a rejected key, a failing server, header credentials",
          "[target][remote]") {
  TestEnv t;
  auto server = deploy_stub(t.env);
  auto deploy_remote = [&](const std::string& path, RemoteConfig remote) {
    remote.base_url = server.endpoint.base_url + path;
    auto target = make_target({"api", remote, {}, {}, std::chrono::seconds{1}}, t.env);
    REQUIRE(target.ok());
    auto ep = (*target)->deploy({"run-remote-errors", {}});
    CHECK((*target)->teardown().ok());
    return ep;
  };

  SECTION("401 with no api_key_env configured: the hint says how to give a key, not '$'") {
    auto e = deploy_remote("/status/401", {});
    REQUIRE_FALSE(e.ok());
    CHECK_THAT(e.error().message,
               Catch::Contains("/status/401/v1/models: HTTP 401: ") && Catch::Contains("stub status 401"));
    CHECK_THAT(e.error().hint, Catch::Contains("set api_key_env"));
  }
  SECTION("a server that keeps answering 500 is 'not ready', with its reply, not 'not reachable'") {
    const auto t0 = SteadyClock::now();
    auto e = deploy_remote("/status/500", {});
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().code == ErrorCode::Timeout);
    CHECK_THAT(e.error().message, Catch::StartsWith("remote endpoint not ready within 1.00s: GET ") &&
                                      Catch::Contains("answered HTTP 500: ") && Catch::Contains("stub status 500"));
    CHECK(SteadyClock::now() - t0 < std::chrono::seconds{3});
  }
  SECTION("credentials in headers: (Azure's api-key) reach the readiness probe") {
    RemoteConfig with_header;
    with_header.headers = {{"api-key", "stub-key"}};
    CHECK(deploy_remote("/auth", with_header).ok());
    auto e = deploy_remote("/auth", {});
    REQUIRE_FALSE(e.ok());
    CHECK_THAT(e.error().message, Catch::Contains("HTTP 401: ") && Catch::Contains("missing or wrong api-key"));
  }
  CHECK(server.target->teardown().ok());
}
