// Integration: the remote target against a loopback server behind the delay proxy.
#include "target/remote_target.h"

#include <stdlib.h>

#include <catch2/catch.hpp>

#include "http_test_client.h"
#include "test_env.h"

using namespace deploybench;
using namespace deploybench::target;
using namespace deploybench::target::testing;

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
  LocalConfig local;
  local.command = {stub_server().string(), "--port", "{port}"};
  auto server = make_target({"server", local, {}, {}, std::chrono::seconds{10}}, t.env);
  REQUIRE(server.ok());
  auto server_ep = (*server)->deploy({"run-remote", {}});
  REQUIRE(server_ep.ok());

  const std::string secret = "sk-test-never-written";
  setenv("DEPLOYBENCH_TEST_API_KEY", secret.c_str(), 1);
  TargetConfig config{
      "cloud",
      RemoteConfig{
          server_ep->base_url, "refbot", "DEPLOYBENCH_TEST_API_KEY", false, {}, "/etc/ssl/certs/ca-certificates.crt"},
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
  CHECK(ep->base_url != server_ep->base_url);  // through the proxy
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
  CHECK(http(ep->base_url + "/health", {}, 500).status == 0);  // the proxy is gone
  CHECK(http(server_ep->base_url + "/health").status == 200);  // the server is not the remote's to stop

  unsetenv("DEPLOYBENCH_TEST_API_KEY");
  auto missing = make_target(config, t.env);
  REQUIRE(missing.ok());
  auto e = (*missing)->deploy({"run-remote", {}});
  REQUIRE_FALSE(e.ok());
  CHECK_THAT(e.error().message, Catch::Contains("DEPLOYBENCH_TEST_API_KEY"));
  CHECK((*missing)->teardown().ok());
  CHECK((*server)->teardown().ok());
}
