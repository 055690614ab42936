#include "loadgen/sse_test_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace deploybench::testing {
namespace {

std::string chunk(const nlohmann::json& delta, bool finish = false) {
  nlohmann::json c = {{"id", "chatcmpl-test"}, {"object", "chat.completion.chunk"}, {"model", "test-model"}};
  c["choices"] = nlohmann::json::array({{{"index", 0}, {"delta", delta}}});
  if (finish) c["choices"][0]["finish_reason"] = "length";
  return "data: " + c.dump() + "\n\n";
}

std::string usage_chunk(int prompt, int completion) {
  nlohmann::json c = {
      {"id", "chatcmpl-test"}, {"object", "chat.completion.chunk"}, {"choices", nlohmann::json::array()}};
  c["usage"] = {{"prompt_tokens", prompt}, {"completion_tokens", completion}, {"total_tokens", prompt + completion}};
  c["timings"] = {{"queue_ms", 0.5}, {"prefill_ms", 1.5}, {"decode_ms", 2.5}};
  return "data: " + c.dump() + "\n\n";
}

}  // namespace

struct SseTestServer::Impl {
  explicit Impl(const SseServerOptions& o)
      : server(o.cert_file.empty() ? std::make_unique<httplib::Server>()
                                   : std::make_unique<httplib::SSLServer>(o.cert_file.c_str(), o.key_file.c_str())) {}
  std::unique_ptr<httplib::Server> server;
};

SseTestServer::SseTestServer(SseServerOptions options) : impl_(std::make_unique<Impl>(options)), options_(options) {
  auto& svr = *impl_->server;
  if (!svr.is_valid())
    throw std::runtime_error("test server: cannot load " + options_.cert_file + " / " + options_.key_file);
  const int threads = options_.threads;
  svr.set_tcp_nodelay(true);                              // else Nagle holds a token chunk behind the previous one
  svr.set_keep_alive_max_count(options_.keep_alive_max);  // default 1 << 20: the whole test (httplib's: 5)
  svr.set_keep_alive_timeout(options_.keep_alive_timeout_s);
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  svr.Get("/v1/models", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"object":"list","data":[{"id":"test-model","object":"model"}]})", "application/json");
  });
  svr.Get("/health", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
  svr.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
    const int n = ++requests_;
    const auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (options_.status != 200 && n % options_.status_every == 0) {
      res.status = options_.status;
      res.set_content(R"({"error":{"message":"test server refuses"}})", "application/json");
      return;
    }
    const int tokens = body.is_object() ? body.value("max_tokens", 16) : 16;
    const bool stream = body.is_object() && body.value("stream", false);
    const auto opts = options_;
    if (!stream) {
      std::this_thread::sleep_for(opts.first_token_delay + opts.token_interval * (tokens - 1));
      nlohmann::json c = {{"id", "x"}, {"object", "chat.completion"}};
      c["choices"] = nlohmann::json::array({{{"index", 0}, {"message", {{"role", "assistant"}, {"content", "t"}}}}});
      c["usage"] = {{"prompt_tokens", 3}, {"completion_tokens", tokens}};
      res.set_header("Server-Timing", "queue;dur=0.5, prefill;dur=1.5, decode;dur=2.5");
      res.set_content(c.dump(), "application/json");
      return;
    }
    const auto arrived = SteadyClock::now();
    res.set_chunked_content_provider("text/event-stream", [opts, tokens, arrived](size_t, httplib::DataSink& sink) {
      auto send = [&sink](const std::string& s) { return sink.write(s.data(), s.size()); };
      send(chunk({{"role", "assistant"}, {"content", ""}}));
      if (opts.malformed) send("data: {not json\n\n");
      for (int i = 0; i < tokens; ++i) {
        std::this_thread::sleep_until(arrived + opts.first_token_delay + opts.token_interval * i);
        if (!send(chunk({{"content", "tok"}}, i + 1 == tokens))) return false;
      }
      send(usage_chunk(3, tokens));
      if (!opts.omit_done) send("data: [DONE]\n\n");
      sink.done();
      return true;
    });
  });
  port_ = options_.port > 0 && svr.bind_to_port("127.0.0.1", options_.port) ? options_.port
                                                                            : svr.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { impl_->server->listen_after_bind(); });
  while (!impl_->server->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds{1});
}

SseTestServer::~SseTestServer() {
  impl_->server->stop();
  if (thread_.joinable()) thread_.join();
}

std::string SseTestServer::base_url() const {
  return (options_.cert_file.empty() ? "http://127.0.0.1:" : "https://127.0.0.1:") + std::to_string(port_);
}

int unused_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace deploybench::testing
