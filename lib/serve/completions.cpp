// The generating endpoints of ChatService: /v1/chat/completions and /v1/completions.
#include <fmt/format.h>

#include <chrono>

#include "openai/chat_json.h"
#include "serve/chat_service.h"
#include "serve/generation_body.h"

namespace deploybench::serve {
namespace {

openai::ApiError invalid(std::string message, std::string code = "invalid_request", std::string param = "") {
  return {400, std::move(message), "invalid_request_error", std::move(code), std::move(param)};
}

std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool model_matches(const std::string& requested, const std::string& served) {
  return requested.empty() || requested == served || requested == "refbot";
}

}  // namespace

std::string render_chat_prompt(const std::vector<openai::ChatMessage>& messages) {
  std::string out;
  for (const auto& m : messages) out += fmt::format("<|{}|>\n{}\n", m.role, m.content);
  out += "<|assistant|>\n";
  return out;
}

std::string retrieval_query(const std::vector<openai::ChatMessage>& messages) {
  for (auto it = messages.rbegin(); it != messages.rend(); ++it)
    if (it->role == "user") return it->content;
  std::string all;
  for (const auto& m : messages) all += m.content + "\n";
  return all;
}

openai::RequestLimits ChatService::limits() const {
  openai::RequestLimits limits;
  limits.max_tokens_limit = engine_.load()->info().context_length;
  return limits;
}

HttpResponse ChatService::chat_completions(const HttpRequest& request) {
  auto parsed = openai::parse_chat_request(request.body, limits());
  if (!parsed) return error_response(invalid(parsed.error().message));
  return generate(parsed->model, render_chat_prompt(parsed->messages), retrieval_query(parsed->messages),
                  parsed->params, openai::Api::Chat);
}

HttpResponse ChatService::completions(const HttpRequest& request) {
  auto parsed = openai::parse_completion_request(request.body, limits());
  if (!parsed) return error_response(invalid(parsed.error().message));
  return generate(parsed->model, parsed->prompt, parsed->prompt, parsed->params, openai::Api::Text);
}

HttpResponse ChatService::generate(const std::string& model, const std::string& prompt, const std::string& query,
                                   const openai::GenerationParams& params, openai::Api api) {
  Engine& engine = *engine_.load();
  const EngineInfo& info = engine.info();
  if (!model_matches(model, info.model_id))
    return error_response(
        openai::ApiError{404, fmt::format("model '{}' does not exist; this server serves '{}'", model, info.model_id),
                         "invalid_request_error", "model_not_found", "model"});
  GenerationRequest g;
  g.prompt = engine.encode(prompt, /*bos=*/true);
  const int room = info.context_length - static_cast<int>(g.prompt.size());
  const int max_tokens = params.max_tokens.value_or(room);
  if (room < 1 || max_tokens > room)
    return error_response(invalid(fmt::format("the prompt ({} tokens) plus max_tokens ({}) exceeds the context "
                                              "length of {} tokens",
                                              g.prompt.size(), max_tokens, info.context_length),
                                  "context_length_exceeded", "max_tokens"));
  if (params.min_tokens > max_tokens)
    return error_response(invalid(
        fmt::format("'min_tokens': {} is above the {} tokens left in the context", params.min_tokens, max_tokens),
        "invalid_value", "min_tokens"));
  g.max_tokens = max_tokens;
  g.min_tokens = params.min_tokens;
  g.stop = params.stop;
  const std::uint64_t id = next_id_.fetch_add(1);
  g.sampling = {static_cast<float>(params.temperature), static_cast<float>(params.top_p), params.seed.value_or(id)};
  if (info.synthetic) {  // the reply comes from the knowledge base, paced by real decode steps
    const std::string answer = knowledge_.answer(query);
    g.script = engine.encode(answer, false);
    g.script_loop = engine.encode("\n\n" + answer, false);
  }
  if (options_.request_timeout > Nanos::zero()) g.deadline = SteadyClock::now() + options_.request_timeout;
  auto generation = scheduler_.load()->submit(std::move(g));
  if (!generation) {
    const bool full = generation.error().code == ErrorCode::Unavailable;
    return error_response(openai::ApiError{full ? 429 : 503, generation.error().message,
                                           full ? "rate_limit_error" : "server_error",
                                           full ? "queue_full" : "shutting_down", ""});
  }
  BodyContext ctx;
  ctx.api = api;
  ctx.stream = params.stream;
  ctx.include_usage = params.include_usage;
  ctx.id = fmt::format("{}-{:016x}", api == openai::Api::Chat ? "chatcmpl" : "cmpl", id);
  ctx.model = info.model_id;
  ctx.created = unix_seconds();
  HttpResponse r;
  r.stream = std::make_unique<GenerationBody>(std::move(*generation), std::move(ctx), metrics_);
  r.buffered = !params.stream;
  if (params.stream) {
    r.content_type = "text/event-stream";
    r.headers.emplace_back("Cache-Control", "no-cache");
  }
  r.headers.emplace_back("X-Refbot-Generation", info.synthetic ? "knowledge-base" : "model");
  return r;
}

}  // namespace deploybench::serve
