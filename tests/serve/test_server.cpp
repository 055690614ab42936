#include "serve/test_server.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <sstream>

namespace deploybench::serve::testing {

TestServer::TestServer(FakeEngineOptions engine, ServerOptions options, bool wait_ready) {
  options.http.host = "127.0.0.1";
  options.http.port = 0;
  auto fake = std::make_unique<FakeEngine>(engine);
  engine_ = fake.get();
  auto shared = std::make_shared<std::unique_ptr<FakeEngine>>(std::move(fake));
  server_ = std::make_unique<Server>(
      options, [shared]() -> Result<std::unique_ptr<Engine>> { return std::unique_ptr<Engine>(std::move(*shared)); });
  const auto st = server_->start();
  REQUIRE(st.ok());
  thread_ = std::thread([this] { (void)server_->run(); });
  if (wait_ready) REQUIRE(server_->wait_ready());
}

TestServer::~TestServer() {
  server_->stop();
  thread_.join();
}

std::string TestServer::url(const std::string& path) const {
  return fmt::format("http://127.0.0.1:{}{}", server_->port(), path);
}

std::string chat_body(const std::string& question, int max_tokens, bool stream, const std::string& extra) {
  return fmt::format(R"({{"messages":[{{"role":"user","content":"{}"}}],"max_tokens":{},"stream":{}{}{}}})", question,
                     max_tokens, stream ? "true" : "false", extra.empty() ? "" : ",", extra);
}

double metric_value(const std::string& metrics_text, const std::string& name) {
  std::istringstream in(metrics_text);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(name + " ", 0) == 0) return std::stod(line.substr(name.size() + 1));
  return -1;
}

}  // namespace deploybench::serve::testing
