#include "serve/server.h"

namespace deploybench::serve {

Server::Server(ServerOptions options, EngineLoader loader)
    : options_(std::move(options)),
      loader_(std::move(loader)),
      service_(options_.service, metrics_),
      http_(
          options_.http, [this](const HttpRequest& r) { return service_.handle(r); },
          [this](int status, const std::string& message) { return service_.error_response(status, message); }) {}

Server::~Server() {
  stop();
  if (loader_thread_.joinable()) loader_thread_.join();
  if (scheduler_) scheduler_->stop();
}

Status Server::start() {
  if (auto st = http_.listen(); !st) return st;
  loader_thread_ = std::thread([this] { load(); });
  return Ok{};
}

void Server::load() {
  auto engine = loader_();
  std::lock_guard lock(mu_);
  load_done_ = true;
  if (!engine) {
    load_error_ = engine.error();
    http_.stop();
  } else {
    engine_ = std::move(*engine);
    scheduler_ = std::make_unique<Scheduler>(*engine_, options_.scheduler, metrics_);
    scheduler_->start();
    service_.attach(*engine_, *scheduler_);
  }
  loaded_cv_.notify_all();
}

bool Server::wait_ready() {
  std::unique_lock lock(mu_);
  loaded_cv_.wait(lock, [this] { return load_done_; });
  return !load_error_;
}

Status Server::run() {
  http_.run();
  if (loader_thread_.joinable()) loader_thread_.join();
  if (scheduler_) scheduler_->stop();
  std::lock_guard lock(mu_);
  if (load_error_) return *load_error_;
  return Ok{};
}

void Server::stop() { http_.stop(); }

int Server::engine_cpu() {
  std::lock_guard lock(mu_);
  return scheduler_ ? scheduler_->engine_cpu() : -1;
}

}  // namespace deploybench::serve
