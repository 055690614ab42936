#pragma once
// refbot's server assembled: HTTP listener, ChatService routes, and the Scheduler over an Engine
// that is loaded in the background (GET /health answers 503 until it is ready).
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "core/error.h"
#include "serve/chat_service.h"
#include "serve/engine.h"
#include "serve/http_server.h"
#include "serve/metrics.h"
#include "serve/scheduler.h"

namespace deploybench::serve {

struct ServerOptions {
  HttpServerOptions http;
  SchedulerOptions scheduler;
  ServiceOptions service;
};

/// Loads the model; runs on a background thread while the server already answers /health.
using EngineLoader = std::function<Result<std::unique_ptr<Engine>>()>;

class Server {
 public:
  Server(ServerOptions options, EngineLoader loader);
  ~Server();
  /// Binds the port (errors name host and port) and starts loading the engine.
  Status start();
  int port() const { return http_.port(); }
  /// Serves until stop(). Returns the loader's error if loading failed (the server then stops).
  Status run();
  /// Thread-safe; run() returns promptly after it.
  void stop();
  /// Blocks until the engine is loaded (true) or failed to load (false).
  bool wait_ready();
  const ServeMetrics& metrics() const { return metrics_; }
  /// Where the engine last ran (Scheduler::engine_cpu), -1 before the engine is loaded.
  int engine_cpu();

 private:
  void load();
  ServerOptions options_;
  EngineLoader loader_;
  ServeMetrics metrics_;
  ChatService service_;
  HttpServer http_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Scheduler> scheduler_;
  std::thread loader_thread_;
  std::mutex mu_;
  std::condition_variable loaded_cv_;
  bool load_done_ = false;           // guarded by mu_
  std::optional<Error> load_error_;  // guarded by mu_
};

}  // namespace deploybench::serve
