// refbot-static as a user runs it: a separate process on loopback with the real tiny model,
// ready via /health, streaming, and a prompt exit on SIGTERM.
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "openai/chat_json.h"
#include "openai/sse.h"
#include "serve/http_client.h"

using namespace deploybench;
using namespace deploybench::serve::testing;
using namespace std::chrono_literals;

namespace {

/// A child process with its stderr on a pipe; killed in the destructor if still running.
class Child {
 public:
  explicit Child(std::vector<std::string> argv) {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(fds[1], 2);
      std::vector<char*> args;
      for (auto& a : argv) args.push_back(a.data());
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    err_ = fds[0];
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    ::close(err_);
  }
  /// Reads stderr until `pattern` matches a line; returns the first capture group.
  std::string wait_for_line(const std::regex& pattern, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      std::smatch m;
      if (std::regex_search(log_, m, pattern)) return m[1];
      pollfd p{err_, POLLIN, 0};
      if (::poll(&p, 1, 100) > 0) {
        char buf[4096];
        const auto n = ::read(err_, buf, sizeof buf);
        if (n <= 0) break;
        log_.append(buf, static_cast<std::size_t>(n));
      }
    }
    FAIL("no line matching the pattern in refbot's stderr:\n" << log_);
    return {};
  }
  /// Sends `sig` and waits up to `timeout` for the exit; returns the wait status or -1.
  int signal_and_wait(int sig, std::chrono::milliseconds timeout) {
    ::kill(pid_, sig);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return status;
      }
      std::this_thread::sleep_for(10ms);
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int err_ = -1;
  std::string log_;
};

const std::string kRefbot = DEPLOYBENCH_BINARY_DIR "/apps/refbot/refbot-static";

}  // namespace

TEST_CASE("refbot-static serves the tiny model and exits promptly on SIGTERM", "[serve][process]") {
  Child refbot({kRefbot, "serve", "--host", "127.0.0.1", "--port", "0", "--preset", "tiny", "--precision", "int8",
                "--threads", "1", "--max-batch", "2"});
  const std::string port = refbot.wait_for_line(std::regex("listening on http://127\\.0\\.0\\.1:([0-9]+)"), 10s);
  const std::string base = "http://127.0.0.1:" + port;
  long health = 0;
  for (int i = 0; i < 300 && health != 200; ++i) {
    health = get(base + "/health").status;
    if (health != 200) std::this_thread::sleep_for(100ms);
  }
  REQUIRE(health == 200);

  auto models = nlohmann::json::parse(get(base + "/v1/models").body);
  CHECK(models["data"][0]["id"] == "refbot-tiny");
  CHECK(models["data"][0]["synthetic"] == true);

  int chunks = 0;
  std::optional<openai::Usage> usage;
  bool done = false;
  openai::SseDecoder decoder([&](std::string_view, std::string_view data) {
    if (data == "[DONE]") {
      done = true;
      return;
    }
    auto c = openai::parse_stream_chunk(data);
    REQUIRE(c.ok());
    if (c->content) ++chunks;
    if (c->usage) usage = c->usage;
  });
  HttpCall call{"POST",
                base + "/v1/chat/completions",
                R"({"messages":[{"role":"user","content":"What is a health check?"}],"stream":true,)"
                R"("max_tokens":20,"min_tokens":20,"stream_options":{"include_usage":true}})",
                {"Content-Type: application/json"},
                [&](std::string_view piece) {
                  decoder.feed(piece);
                  return true;
                }};
  auto r = http(call);
  REQUIRE(r.status == 200);
  CHECK(r.header("X-Refbot-Generation") == "knowledge-base");
  CHECK(done);
  CHECK(chunks == 20);
  REQUIRE(usage);
  CHECK(usage->completion_tokens == 20);

  const int status = refbot.signal_and_wait(SIGTERM, 3000ms);
  REQUIRE(status != -1);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("refbot serve rejects bad flags with a usage error", "[serve][process]") {
  Child refbot({kRefbot, "serve", "--preset", "huge", "--port", "0"});
  refbot.wait_for_line(std::regex("(--preset 'huge' is not one of)"), 10s);
  CHECK(WEXITSTATUS(refbot.signal_and_wait(0, 5000ms)) == 2);
}
