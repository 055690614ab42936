#pragma once
// Runs a real serve::Server over a FakeEngine on a free loopback port for the duration of a test.
#include <thread>

#include "serve/fake_engine.h"
#include "serve/server.h"

namespace deploybench::serve::testing {

class TestServer {
 public:
  explicit TestServer(FakeEngineOptions engine = {}, ServerOptions options = {}, bool wait_ready = true);
  ~TestServer();
  std::string url(const std::string& path) const;
  FakeEngine& engine() { return *engine_; }
  Server& server() { return *server_; }

 private:
  FakeEngine* engine_ = nullptr;  // owned by the server once loaded
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

/// A chat request body: one user message, streamed or not, optional extra JSON fields.
std::string chat_body(const std::string& question, int max_tokens, bool stream, const std::string& extra = "");

/// The value of an unlabelled metric line "name value" in Prometheus text, or -1.
double metric_value(const std::string& metrics_text, const std::string& name);

}  // namespace deploybench::serve::testing
