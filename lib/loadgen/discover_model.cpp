#include <curl/curl.h>
#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "loadgen/load_generator.h"

namespace deploybench::loadgen {
namespace {

size_t append_body(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

}  // namespace

Result<std::string> discover_model(const Endpoint& endpoint, Nanos timeout, const TlsOptions& tls) {
  const std::string url = endpoint.base_url + "/v1/models";
  CURL* easy = curl_easy_init();
  if (!easy) return make_error(ErrorCode::Failed, "cannot create a curl handle");
  std::string body;
  curl_slist* headers = nullptr;
  if (!endpoint.api_key.empty())
    headers = curl_slist_append(headers, ("Authorization: Bearer " + endpoint.api_key).c_str());
  for (const auto& [k, v] : endpoint.headers) headers = curl_slist_append(headers, (k + ": " + v).c_str());
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count() / 1'000'000));
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &append_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &body);
  apply_tls(easy, tls);
  char error_text[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_text);
  const CURLcode rc = curl_easy_perform(easy);
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(easy);
  curl_slist_free_all(headers);
  const std::string hint = "pass the model id explicitly (--model, or the target's model)";
  if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE)
    return make_error(ErrorCode::Unavailable, fmt::format("GET {} failed: {}", url, error_text),
                      "trust the server's CA with a CA file (probe --cacert FILE) or skip verification (--insecure)");
  if (rc != CURLE_OK)
    return make_error(ErrorCode::Unavailable,
                      fmt::format("GET {} failed: {}", url, *error_text ? error_text : curl_easy_strerror(rc)),
                      fmt::format("is an OpenAI-compatible server listening at {}? (or {})", endpoint.base_url, hint));
  if (status != 200) return make_error(ErrorCode::Failed, fmt::format("GET {} returned HTTP {}", url, status), hint);
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.contains("data") || !j["data"].is_array() || j["data"].empty() ||
      !j["data"][0].contains("id") || !j["data"][0]["id"].is_string())
    return make_error(ErrorCode::Failed, fmt::format("GET {} did not list any model (expected data[0].id)", url), hint);
  return j["data"][0]["id"].get<std::string>();
}

}  // namespace deploybench::loadgen
