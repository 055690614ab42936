#pragma once
// The OpenAI-compatible routes of refbot: request validation, prompt building, the knowledge
// base reply for synthetic engines, submission to the Scheduler, and the response bodies.
//   GET  /health               200 once the model is loaded, 503 before
//   GET  /metrics              Prometheus text
//   GET  /v1/models            the served model
//   POST /v1/chat/completions  chat, streamed (SSE) or not
//   POST /v1/completions       legacy text completion, streamed or not
#include <atomic>
#include <memory>
#include <string>

#include "openai/chat_json.h"
#include "openai/chat_types.h"
#include "serve/engine.h"
#include "serve/http_types.h"
#include "serve/knowledge_base.h"
#include "serve/metrics.h"
#include "serve/scheduler.h"

namespace deploybench::serve {

struct ServiceOptions {
  std::string api_key;       // empty: no authentication
  Nanos request_timeout{0};  // 0: no limit on a request's generation time
};

class ChatService {
 public:
  ChatService(ServiceOptions options, ServeMetrics& metrics);
  /// Marks the service ready: the engine is loaded and the scheduler runs. Called once; both
  /// must outlive the service's requests.
  void attach(Engine& engine, Scheduler& scheduler);
  bool ready() const { return scheduler_.load() != nullptr; }

  /// Thread-safe; never throws.
  HttpResponse handle(const HttpRequest& request);
  /// An OpenAI-shaped JSON error response (also used by the HTTP layer for framing errors).
  HttpResponse error_response(const openai::ApiError& error);
  HttpResponse error_response(int status, const std::string& message);

 private:
  HttpResponse route(const HttpRequest& request);
  HttpResponse health() const;
  HttpResponse models() const;
  HttpResponse chat_completions(const HttpRequest& request);
  HttpResponse completions(const HttpRequest& request);
  /// Checks limits, builds the GenerationRequest and submits it.
  HttpResponse generate(const std::string& model, const std::string& prompt, const std::string& query,
                        const openai::GenerationParams& params, openai::Api api);
  bool authorized(const HttpRequest& request) const;
  openai::RequestLimits limits() const;

  ServiceOptions options_;
  ServeMetrics& metrics_;
  KnowledgeBase knowledge_;
  std::atomic<Engine*> engine_{nullptr};
  std::atomic<Scheduler*> scheduler_{nullptr};
  std::atomic<std::uint64_t> next_id_{1};
};

/// The prompt text for a chat: one "<|role|>\ncontent\n" block per message, then "<|assistant|>\n".
std::string render_chat_prompt(const std::vector<openai::ChatMessage>& messages);
/// What the knowledge base is asked: the last user message (all messages if there is none).
std::string retrieval_query(const std::vector<openai::ChatMessage>& messages);

}  // namespace deploybench::serve
