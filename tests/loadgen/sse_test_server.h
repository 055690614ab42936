#pragma once
// A loopback OpenAI-shaped server for the load generator's integration tests: it streams
// chat.completion.chunk events with a known delay before the first token and between tokens,
// so measured TTFT and ITL can be checked against the truth. Built on cpp-httplib (tests only).
#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>

#include "core/units.h"

namespace deploybench::testing {

struct SseServerOptions {
  Nanos first_token_delay{std::chrono::milliseconds{20}};  // request arrival -> first token
  Nanos token_interval{std::chrono::milliseconds{5}};      // between consecutive tokens
  int status = 200;                                        // non-200: reply with an error body instead
  int status_every = 1;                                    // with a non-200 status: only every n-th request
  bool malformed = false;                                  // stream invalid JSON in the first chunk
  bool omit_done = false;                                  // end the stream without data: [DONE]
  int threads = 64;                                        // concurrent requests the server can serve
  int port = 0;                                            // 0: any free port
  std::size_t keep_alive_max = 1 << 20;  // requests per connection, then the server closes it (1: every response)
  int keep_alive_timeout_s = 5;          // the server closes a connection idle this long
  std::string cert_file, key_file;       // both set: serve HTTPS with this PEM certificate and key
};

class SseTestServer {
 public:
  explicit SseTestServer(SseServerOptions options = {});
  ~SseTestServer();
  SseTestServer(const SseTestServer&) = delete;
  SseTestServer& operator=(const SseTestServer&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:<port>" (https:// with a certificate)
  int port() const { return port_; }
  /// Chat requests received so far.
  int requests() const { return requests_.load(); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  SseServerOptions options_;
  int port_ = 0;
  std::atomic<int> requests_{0};
  std::thread thread_;
};

/// A port on 127.0.0.1 with nothing listening (bound, then closed).
int unused_port();

}  // namespace deploybench::testing
