#include "serve/http_client.h"

#include <algorithm>
#include <cctype>

namespace deploybench::serve::testing {
namespace {

size_t on_body(char* p, size_t size, size_t n, void* user) {
  auto* ctx = static_cast<std::pair<HttpResult*, const HttpCall*>*>(user);
  const std::string_view piece(p, size * n);
  ctx->first->body.append(piece);
  if (ctx->second->on_data && !ctx->second->on_data(piece)) return 0;  // aborts the transfer
  return size * n;
}

size_t on_header(char* p, size_t size, size_t n, void* user) {
  static_cast<HttpResult*>(user)->headers.append(p, size * n);
  return size * n;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

std::string HttpResult::header(const std::string& name) const {
  // Line by line: "Name: value\r\n"; the first match wins.
  const std::string want = lower(name);
  std::size_t start = 0;
  while (start < headers.size()) {
    std::size_t end = headers.find('\n', start);
    if (end == std::string::npos) end = headers.size();
    const std::string_view line(headers.data() + start, end - start);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos && lower(std::string(line.substr(0, colon))) == want) {
      std::string_view v = line.substr(colon + 1);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      while (!v.empty() && (v.back() == '\r' || v.back() == ' ')) v.remove_suffix(1);
      return std::string(v);
    }
    start = end + 1;
  }
  return {};
}

HttpResult http(const HttpCall& call) {
  HttpResult r;
  CURL* curl = curl_easy_init();
  std::pair<HttpResult*, const HttpCall*> ctx{&r, &call};
  curl_slist* headers = nullptr;
  for (const auto& h : call.headers) headers = curl_slist_append(headers, h.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, call.url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  if (call.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, call.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(call.body.size()));
  }
  if (call.http10) curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_0);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ctx);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, call.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  r.code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return r;
}

HttpResult get(const std::string& url) { return http({"GET", url, "", {}, nullptr, 20000, false}); }

HttpResult post_json(const std::string& url, const std::string& body, std::vector<std::string> headers) {
  headers.push_back("Content-Type: application/json");
  return http({"POST", url, body, std::move(headers), nullptr, 20000, false});
}

}  // namespace deploybench::serve::testing
