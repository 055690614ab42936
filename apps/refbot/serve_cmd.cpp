// refbot serve: flags -> serve::ServerOptions, signal handling (SIGTERM/SIGINT stop the server
// promptly, also as PID 1 in a container), and the server's lifetime.
#include <fmt/format.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "commands.h"
#include "engine_factory.h"
#include "serve/server.h"

namespace deploybench::refbot {
namespace {

struct ServeFlags {
  ModelFlags model;
  int max_queue = 64;
  int client_pollers = -1;
  std::string client_spin_below = "0s";
  int max_connections = 64;
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string api_key;
  std::string max_body = "1m";
  std::string request_timeout = "600s";
};

void no_op_handler(int) {}

/// Blocks SIGINT/SIGTERM in every thread (threads inherit the mask) so one watcher thread takes
/// them with sigtimedwait. A handler is installed too: the kernel drops SIG_DFL signals sent to
/// PID 1 of a pid namespace, and a container's init is exactly that.
sigset_t block_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = no_op_handler;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  return set;
}

Result<serve::ServerOptions> to_options(const ServeFlags& f) {
  serve::ServerOptions o;
  o.http.host = f.host;
  o.http.port = f.port;
  o.http.max_connections = f.max_connections;
  auto body = parse_bytes(f.max_body);
  if (!body) return make_error(ErrorCode::InvalidArgument, "--max-body: " + body.error().message);
  o.http.max_body = *body;
  auto timeout = parse_duration(f.request_timeout);
  if (!timeout) return make_error(ErrorCode::InvalidArgument, "--request-timeout: " + timeout.error().message);
  o.service.request_timeout = *timeout;
  o.service.api_key = f.api_key;
  if (o.service.api_key.empty())
    if (const char* env = std::getenv("REFBOT_API_KEY")) o.service.api_key = env;
  o.scheduler.max_batch = f.model.max_batch;
  o.scheduler.max_queue = f.max_queue;
  o.scheduler.client_pollers = f.client_pollers;
  if (f.max_queue < 0) return make_error(ErrorCode::InvalidArgument, "--max-queue must not be negative");
  if (f.client_pollers < -1)
    return make_error(ErrorCode::InvalidArgument, "--client-pollers must be -1 (automatic) or at least 0");
  auto spin = parse_duration(f.client_spin_below);
  if (!spin) return make_error(ErrorCode::InvalidArgument, "--client-spin-below: " + spin.error().message);
  o.scheduler.client_spin_below = *spin;
  if (f.max_connections < 1) return make_error(ErrorCode::InvalidArgument, "--max-connections must be at least 1");
  return o;
}

int run_serve(const ServeFlags& flags) {
  auto options = to_options(flags);
  auto loader = options ? make_engine_loader(flags.model) : Result<serve::EngineLoader>(options.error());
  if (!loader) {
    fmt::print(stderr, "refbot serve: {}\n", loader.error().message);
    if (!loader.error().hint.empty()) fmt::print(stderr, "  hint: {}\n", loader.error().hint);
    return 2;
  }
  const sigset_t stop_signals = block_stop_signals();
  serve::Server server(std::move(*options), std::move(*loader));
  if (auto st = server.start(); !st) {
    fmt::print(stderr, "refbot serve: {}\n", st.error().message);
    if (!st.error().hint.empty()) fmt::print(stderr, "  hint: {}\n", st.error().hint);
    return 1;
  }
  fmt::print(stderr, "refbot: listening on http://{}:{} (loading the model)\n", flags.host, server.port());
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    const timespec tick{0, 100'000'000};  // wake every 100 ms to notice that run() ended
    while (!done.load()) {
      const int sig = sigtimedwait(&stop_signals, nullptr, &tick);
      if (sig == SIGTERM || sig == SIGINT) {
        fmt::print(stderr, "refbot: {} received, stopping\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
        server.stop();
        return;
      }
    }
  });
  std::thread ready_log([&] {
    if (server.wait_ready()) fmt::print(stderr, "refbot: ready\n");
  });
  const Status st = server.run();
  done = true;
  watcher.join();
  ready_log.join();
  if (!st) {
    fmt::print(stderr, "refbot serve: {}\n", st.error().message);
    return 1;
  }
  return 0;
}

}  // namespace

void setup_serve(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<ServeFlags>();
  auto* sub = app.add_subcommand("serve", "Serve the OpenAI-compatible chat API");
  ModelFlags& m = flags->model;
  sub->add_option("--preset", m.preset,
                  "Synthetic model: tiny, small or base (weights from a seed; replies from "
                  "the knowledge base), or fake (no model, fixed cadence)")
      ->capture_default_str();
  sub->add_option("--model,--checkpoint", m.model,
                  "llama2.c checkpoint to serve instead of a preset (text sampled from it)");
  sub->add_option("--tokenizer", m.tokenizer, "tokenizer.bin for --model");
  sub->add_option("--precision", m.precision, "Weight precision: fp32 or int8")->capture_default_str();
  sub->add_option("--threads", m.threads, "Compute threads of the model")->capture_default_str();
  sub->add_option("--max-batch", m.max_batch, "Sequences decoded together (KV-cache slots)")->capture_default_str();
  add_isa_option(*sub, m.isa);
  sub->add_option("--max-queue", flags->max_queue, "Waiting requests beyond the batch; more get 429")
      ->capture_default_str();
  sub->add_option("--client-pollers", flags->client_pollers,
                  "Streams that poll for their next token instead of being woken (-1: one per core the "
                  "compute threads leave free; 0: always wake)")
      ->capture_default_str();
  sub->add_option("--client-spin-below", flags->client_spin_below,
                  "A polling stream polls through token gaps shorter than this instead of sleeping until the "
                  "token is due, e.g. 1ms: on a VM the sleeping vCPU's wake-ups slow the engine's by a few "
                  "percent, polling keeps the spare core busy while streaming (0s: always sleep first)")
      ->capture_default_str();
  sub->add_option("--max-connections", flags->max_connections, "Concurrent HTTP connections; more get 503")
      ->capture_default_str();
  sub->add_option("--host", flags->host, "Numeric address to listen on (0.0.0.0: all interfaces)")
      ->capture_default_str();
  sub->add_option("--port", flags->port, "TCP port (0: any free port)")->capture_default_str();
  sub->add_option("--api-key", flags->api_key, "Require 'Authorization: Bearer KEY' on /v1 (default: $REFBOT_API_KEY)");
  sub->add_option("--max-body", flags->max_body, "Largest request body, e.g. 1m; larger gets 413")
      ->capture_default_str();
  sub->add_option("--request-timeout", flags->request_timeout, "Longest generation per request, e.g. 60s (0s: none)")
      ->capture_default_str();
  sub->callback([flags, &exit_code] { exit_code = run_serve(*flags); });
}

}  // namespace deploybench::refbot
