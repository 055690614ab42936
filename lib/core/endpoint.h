#pragma once
// The one thing target/ hands to loadgen/: where to send requests. Neither library sees the other.
#include <string>
#include <utility>
#include <vector>

namespace deploybench {

struct Endpoint {
  std::string base_url;  // "http://127.0.0.1:8080" (no trailing slash, no "/v1")
  std::string model;     // model id sent in requests; empty means "ask /v1/models"
  /// Bearer token sent as Authorization. A secret: never printed, logged or written to results.
  std::string api_key;
  std::vector<std::pair<std::string, std::string>> headers;  // extra request headers
  /// HTTPS: verify the server's certificate and host name (false = curl --insecure), and
  /// trust this PEM bundle instead of the system store when set (curl --cacert).
  bool verify_tls = true;
  std::string ca_file;
};

}  // namespace deploybench
