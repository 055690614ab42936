#pragma once
// JSON mapping of the records in chat_types.h. Parsers validate as OpenAI does and name the
// offending field in the error message; serializers emit the exact OpenAI shapes (plus the
// documented refbot extensions `min_tokens` and `timings`).
#include <span>
#include <string>
#include <string_view>

#include "core/error.h"
#include "openai/chat_types.h"

namespace deploybench::openai {

/// Which endpoint a response belongs to: chat ("chat.completion[.chunk]", delta/message) or
/// legacy text completions ("text_completion", text).
enum class Api { Chat, Text };

/// Bounds a request must satisfy beyond its JSON shape. max_tokens above `max_tokens_limit` is
/// rejected here; the prompt-plus-output check against the context needs the tokenizer.
struct RequestLimits {
  int max_tokens_limit = 1 << 20;
  int max_stop_sequences = 4;
};

/// Parses a POST /v1/chat/completions body. Errors: malformed JSON or invalid UTF-8, wrong
/// types, missing or empty `messages`, unknown roles, out-of-range numbers; the message names
/// the field (e.g. "'messages[1].role': unknown role 'robot'").
Result<ChatRequest> parse_chat_request(std::string_view body, const RequestLimits& limits = {});
/// Parses a POST /v1/completions body (`prompt` is a string).
Result<CompletionRequest> parse_completion_request(std::string_view body, const RequestLimits& limits = {});

/// Client side: the request body for a ChatRequest (unset optionals are omitted).
std::string to_json(const ChatRequest& request);

std::string to_json(const StreamChunk& chunk, Api api);
std::string to_json(const Completion& completion, Api api);
std::string to_json(const ApiError& error);
/// {"object": "list", "data": [...]}
std::string models_json(std::span<const ModelCard> models);

/// Client side: one `data:` payload of a stream (not "[DONE]"). Accepts both APIs' shapes.
Result<StreamChunk> parse_stream_chunk(std::string_view data);
/// Client side: a non-streamed response body.
Result<Completion> parse_completion(std::string_view body);

}  // namespace deploybench::openai
