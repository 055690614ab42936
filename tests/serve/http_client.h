#pragma once
// A real HTTP client for the loopback tests (libcurl, as a user's client would be).
#include <curl/curl.h>

#include <functional>
#include <string>
#include <vector>

namespace deploybench::serve::testing {

struct HttpResult {
  long status = 0;
  std::string headers;  // raw response head(s) and trailers
  std::string body;
  CURLcode code = CURLE_OK;

  /// Value of the first header `name` (case-insensitive), "" when absent.
  std::string header(const std::string& name) const;
};

struct HttpCall {
  std::string method = "GET";
  std::string url;
  std::string body;
  std::vector<std::string> headers;               // "Name: value"
  std::function<bool(std::string_view)> on_data;  // each body piece as it arrives; false aborts
  long timeout_ms = 20000;
  bool http10 = false;
};

HttpResult http(const HttpCall& call);
HttpResult get(const std::string& url);
HttpResult post_json(const std::string& url, const std::string& body, std::vector<std::string> headers = {});

}  // namespace deploybench::serve::testing
