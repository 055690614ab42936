// Routing, authentication and the informational endpoints of ChatService.
#include "serve/chat_service.h"

#include <fmt/format.h>

#include <array>
#include <chrono>

#include "openai/chat_json.h"

namespace deploybench::serve {
namespace {

const char* error_type(int status) {
  if (status == 401) return "authentication_error";
  if (status == 404) return "not_found_error";
  if (status == 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

const char* error_code(int status) {
  switch (status) {
    case 401:
      return "invalid_api_key";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 408:
      return "request_timeout";
    case 413:
      return "request_too_large";
    case 429:
      return "queue_full";
    case 431:
      return "headers_too_large";
    case 503:
      return "unavailable";
    default:
      return status >= 500 ? "server_error" : "invalid_request";
  }
}

struct Route {
  std::string_view path;
  std::string_view method;
};
constexpr std::array<Route, 5> kRoutes = {{{"/health", "GET"},
                                           {"/metrics", "GET"},
                                           {"/v1/models", "GET"},
                                           {"/v1/chat/completions", "POST"},
                                           {"/v1/completions", "POST"}}};

}  // namespace

ChatService::ChatService(ServiceOptions options, ServeMetrics& metrics)
    : options_(std::move(options)),
      metrics_(metrics),
      knowledge_(std::vector<QaDocument>(builtin_documents().begin(), builtin_documents().end())) {}

void ChatService::attach(Engine& engine, Scheduler& scheduler) {
  engine_.store(&engine);
  scheduler_.store(&scheduler);
  metrics_.set_ready(true);
}

HttpResponse ChatService::error_response(const openai::ApiError& error) {
  HttpResponse r;
  r.status = error.status;
  r.body = openai::to_json(error);
  if (error.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  if (error.status == 429) r.headers.emplace_back("Retry-After", "1");
  return r;
}

HttpResponse ChatService::error_response(int status, const std::string& message) {
  metrics_.count_request(status);
  return error_response(openai::ApiError{status, message, error_type(status), error_code(status), ""});
}

bool ChatService::authorized(const HttpRequest& request) const {
  if (options_.api_key.empty()) return true;
  const std::string* auth = request.header("authorization");
  const std::string expected = "Bearer " + options_.api_key;
  if (!auth || auth->size() != expected.size()) return false;
  unsigned diff = 0;  // constant time in the key length: no early exit on the first mismatch
  for (std::size_t i = 0; i < expected.size(); ++i) diff |= static_cast<unsigned>((*auth)[i] ^ expected[i]);
  return diff == 0;
}

HttpResponse ChatService::handle(const HttpRequest& request) {
  try {
    HttpResponse r = route(request);
    if (!r.stream) metrics_.count_request(r.status);  // streamed bodies count when they know
    return r;
  } catch (const std::exception& e) {  // a bug, not bad input: answer 500 instead of dying
    return error_response(500, fmt::format("internal error: {}", e.what()));
  }
}

HttpResponse ChatService::route(const HttpRequest& request) {
  const Route* match = nullptr;
  for (const auto& r : kRoutes)
    if (r.path == request.path) match = &r;
  if (!match) {
    openai::ApiError e{404, fmt::format("unknown path {} {}", request.method, request.path), "not_found_error",
                       "not_found", ""};
    return error_response(e);
  }
  if (request.method != match->method) {
    HttpResponse r = error_response(openai::ApiError{
        405, fmt::format("{} is not allowed on {} (use {})", request.method, request.path, match->method),
        "invalid_request_error", "method_not_allowed", ""});
    r.headers.emplace_back("Allow", std::string(match->method));
    return r;
  }
  if (request.path == "/health") return health();
  if (request.path == "/metrics") {
    HttpResponse r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics_.render();
    return r;
  }
  if (!authorized(request))
    return error_response(openai::ApiError{401, "missing or invalid API key: send 'Authorization: Bearer <key>'",
                                           "authentication_error", "invalid_api_key", ""});
  if (!ready())
    return error_response(openai::ApiError{503, "the model is still loading", "server_error", "loading", ""});
  if (request.path == "/v1/models") return models();
  if (request.path == "/v1/chat/completions") return chat_completions(request);
  return completions(request);
}

HttpResponse ChatService::health() const {
  HttpResponse r;
  if (!ready()) {
    r.status = 503;
    r.body = R"({"status":"loading"})";
    return r;
  }
  r.body = fmt::format(R"({{"status":"ok","model":"{}"}})", engine_.load()->info().model_id);
  return r;
}

HttpResponse ChatService::models() const {
  const EngineInfo& info = engine_.load()->info();
  openai::ModelCard card;
  card.id = info.model_id;
  card.description = info.description;
  card.synthetic = info.synthetic;
  card.created =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  HttpResponse r;
  r.body = openai::models_json(std::span<const openai::ModelCard>(&card, 1));
  return r;
}

}  // namespace deploybench::serve
