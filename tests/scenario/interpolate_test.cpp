// ${VAR} interpolation and secrets: values from secret-looking variables never reach settings.
#include "scenario/detail/interpolate.h"

#include <catch2/catch.hpp>

#include "test_util.h"

using namespace deploybench;
using namespace deploybench::scenario;
using namespace deploybench::scenario::testing;
using deploybench::scenario::detail::interpolate;

TEST_CASE("interpolation substitutes variables and defaults", "[scenario][interpolate]") {
  const Environment env = Environment::from_map({{"HOST", "10.0.0.5"}, {"EMPTY", ""}, {"API_TOKEN", "s3cr3t"}});
  CHECK(interpolate("http://${HOST}:8080", env)->value == "http://10.0.0.5:8080");
  CHECK(interpolate("${MISSING:-fallback}", env)->value == "fallback");
  CHECK(interpolate("${EMPTY:-fallback}", env)->value == "fallback");
  CHECK(interpolate("${HOST:-fallback}", env)->value == "10.0.0.5");
  CHECK(interpolate("${MISSING:-}", env)->value.empty());
  CHECK(interpolate("price $5 and $${HOST}", env)->value == "price $5 and ${HOST}");
  CHECK_FALSE(interpolate("${HOST}", env)->secret);
  CHECK(interpolate("Bearer ${API_TOKEN}", env)->secret);
}

TEST_CASE("interpolation errors name the problem and suggest a fix", "[scenario][interpolate]") {
  const Environment env = Environment::from_map({});
  auto unset = interpolate("${NOPE}", env);
  REQUIRE_FALSE(unset.ok());
  CHECK_THAT(unset.error().message, Catch::Contains("NOPE is not set"));
  CHECK_THAT(unset.error().hint, Catch::Contains("${NOPE:-value}"));
  CHECK_FALSE(interpolate("${unterminated", env).ok());
  CHECK_FALSE(interpolate("${1BAD}", env).ok());
  CHECK_FALSE(interpolate("${}", env).ok());
}

TEST_CASE("secret-looking names", "[scenario][interpolate]") {
  using deploybench::scenario::detail::is_secret_name;
  CHECK(is_secret_name("OPENAI_API_KEY"));
  CHECK(is_secret_name("github_token"));
  CHECK(is_secret_name("DB_PASSWORD"));
  CHECK(is_secret_name("CLIENT_SECRET"));
  CHECK_FALSE(is_secret_name("REMOTE_URL"));
  CHECK_FALSE(is_secret_name("MODEL"));
}

TEST_CASE("a remote target reads its URL from the environment and never shows secrets", "[scenario][interpolate]") {
  const std::string yaml = R"(name: remote
targets:
  cloud:
    kind: remote
    base_url: ${REMOTE_URL:-http://127.0.0.1:9}
    model: ${REMOTE_MODEL:-tiny}
    api_key_env: REMOTE_API_KEY
    headers:
      Authorization: Bearer ${GATEWAY_TOKEN}
      X-Team: ${TEAM_SECRET:-}
  proxy:
    kind: remote
    base_url: https://user:${PROXY_PASSWORD}@proxy.example.com/
)";
  const Loaded loaded = load_text(yaml, {{"REMOTE_URL", "https://llm.example.com/"},
                                         {"GATEWAY_TOKEN", "tok-123456"},
                                         {"PROXY_PASSWORD", "hunter22"},
                                         {"REMOTE_API_KEY", "sk-never-read-here"}});
  INFO(loaded.text());
  REQUIRE(loaded.plan.ok());
  const Cell& cloud = loaded.plan->cells.at(0);
  const auto& remote = std::get<target::RemoteConfig>(cloud.target.kind);
  CHECK(remote.base_url == "https://llm.example.com");  // trailing slash dropped
  CHECK(remote.model == "tiny");
  CHECK(cloud.axes.at("model") == "endpoint-model");  // no models section, only remote targets
  CHECK(remote.api_key_env == "REMOTE_API_KEY");
  REQUIRE(remote.headers.size() == 2);
  CHECK(remote.headers[0].second == "Bearer tok-123456");  // the runner gets the real value

  const std::string rendered = render_plan(*loaded.plan);
  for (const char* secret : {"tok-123456", "hunter22", "sk-never-read-here"}) {
    CHECK_THAT(rendered, !Catch::Contains(secret));
    for (const auto& c : loaded.plan->cells) {
      for (const auto& [key, value] : c.settings) CHECK_THAT(value, !Catch::Contains(secret));
    }
  }
  CHECK_THAT(rendered, Catch::Contains("target.headers.Authorization=***"));
  CHECK_THAT(rendered, Catch::Contains("target.base_url=https://***@proxy.example.com"));
  CHECK_THAT(rendered, Catch::Contains("target.api_key_env=REMOTE_API_KEY"));
}

TEST_CASE("interpolation happens after parsing, so a value cannot inject YAML", "[scenario][interpolate]") {
  const Loaded loaded = load_text("name: inject\nrepeat: ${N}\n", {{"N", "2\nevil: true"}});
  REQUIRE(loaded.diagnostics.size() == 1);
  CHECK(loaded.diagnostics.front().path == "repeat");
  CHECK_THAT(loaded.diagnostics.front().message, Catch::Contains("expected a whole number"));
  const Loaded ok = load_text("name: inject\nrepeat: ${N}\n", {{"N", "2"}});
  REQUIRE(ok.plan.ok());
  CHECK(ok.plan->repeat == 2);
}
