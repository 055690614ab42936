#pragma once
// A plain libcurl client for the integration tests' "short load" (GETs and a
// streamed chat request), independent of the load generator library.
#include <curl/curl.h>

#include <catch2/catch.hpp>
#include <string>
#include <utility>

#include "target/target.h"

namespace deploybench::target::testing {

struct Reply {
  long status = 0;  // 0 when the transport failed
  std::string body;
};

inline std::size_t append_body(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

/// GET, or POST with a JSON body when `json` is non-empty.
inline Reply http(const std::string& url, const std::string& json = {}, long timeout_ms = 30000) {
  Reply r;
  CURL* c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_slist* headers = nullptr;
  if (!json.empty()) {
    headers = curl_slist_append(headers, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, json.c_str());
  }
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  return r;
}

/// A streamed chat completion; returns the raw SSE body.
inline Reply chat_stream(const std::string& base_url, int max_tokens = 8, long timeout_ms = 30000) {
  return http(base_url + "/v1/chat/completions",
              R"({"model":"refbot","stream":true,"max_tokens":)" + std::to_string(max_tokens) +
                  R"(,"messages":[{"role":"user","content":"Hello there"}]})",
              timeout_ms);
}

/// The integration tests' short load: a health check, a CPU burn (the stub server's /burn; refbot
/// answers 404), and streamed chat completions that must finish with [DONE].
/// Returns the number of problems (0 = all fine), with a description of the first in `first`.
inline int short_load(const std::string& base_url, std::string& first, int chats = 3) {
  int problems = 0;
  auto note = [&](const std::string& what) {
    if (problems++ == 0) first = what;
  };
  if (auto h = http(base_url + "/health"); h.status != 200) note("GET /health: " + std::to_string(h.status));
  http(base_url + "/burn?ms=200");
  for (int i = 0; i < chats; ++i) {
    const auto r = chat_stream(base_url);
    if (r.status != 200 || r.body.find("[DONE]") == std::string::npos) {
      note("chat stream: HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 200));
    }
  }
  return problems;
}

/// Deploys, runs the short load and samples resources, checking each step (CPU seconds > 0,
/// memory > 0). Returns the endpoint and the sample.
inline std::pair<Endpoint, ResourceSample> deploy_load_sample(Target& target, const DeployContext& ctx) {
  auto endpoint = target.deploy(ctx);
  INFO((endpoint.ok() ? std::string() : endpoint.error().message));
  REQUIRE(endpoint.ok());
  std::string problem;
  const int problems = short_load(endpoint->base_url, problem);
  INFO(problem);
  CHECK(problems == 0);
  auto sample = target.sample_resources();
  REQUIRE(sample.ok());
  CHECK(sample->cpu_seconds > 0);
  CHECK(sample->rss_bytes > 0);
  return {*endpoint, *sample};
}

}  // namespace deploybench::target::testing
