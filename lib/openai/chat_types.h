#pragma once
// OpenAI chat/completions request and response records, shared by refbot's server and the
// load generator so both sides speak the same shapes. JSON mapping lives in chat_json.h.
// Reference: https://platform.openai.com/docs/api-reference/chat
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace deploybench::openai {

struct ChatMessage {
  std::string role;  // system | developer | user | assistant | tool
  std::string content;
};

/// Generation settings common to /v1/chat/completions and /v1/completions.
struct GenerationParams {
  bool stream = false;
  bool include_usage = false;     // stream_options.include_usage: final chunk carries usage
  std::optional<int> max_tokens;  // unset: up to the context length
  int min_tokens = 0;             // extension (vLLM): end-of-sequence suppressed before this
  double temperature = 1.0;       // 0 = greedy
  double top_p = 1.0;
  std::optional<std::uint64_t> seed;
  std::vector<std::string> stop;  // at most 4 stop strings
};

struct ChatRequest {
  std::string model;
  std::vector<ChatMessage> messages;
  GenerationParams params;
};

struct CompletionRequest {
  std::string model;
  std::string prompt;
  GenerationParams params;
};

struct Usage {
  int prompt_tokens = 0;
  int completion_tokens = 0;
  int total_tokens() const { return prompt_tokens + completion_tokens; }
};

/// Where a request spent its time inside the server (what Server-Timing reports), in ms.
struct ServerTimings {
  double queue_ms = 0;
  double prefill_ms = 0;
  double decode_ms = 0;
};

enum class FinishReason { Stop, Length };
const char* to_string(FinishReason reason);

/// One streamed chunk (object "chat.completion.chunk" or "text_completion"). Exactly one of:
/// the role announcement, a content delta, or the finish (finish_reason set), and optionally a
/// usage-only final chunk (choices empty) when include_usage was requested.
struct StreamChunk {
  std::string id;
  std::string model;
  std::int64_t created = 0;            // unix seconds
  std::optional<std::string> role;     // first chunk of a chat stream: "assistant"
  std::optional<std::string> content;  // a token's text (may be "" mid UTF-8 sequence)
  std::optional<FinishReason> finish_reason;
  std::optional<Usage> usage;            // set: usage chunk with empty choices
  std::optional<ServerTimings> timings;  // refbot extension, on the usage/final chunk
};

/// A complete non-streamed answer.
struct Completion {
  std::string id;
  std::string model;
  std::int64_t created = 0;
  std::string content;
  FinishReason finish_reason = FinishReason::Stop;
  Usage usage;
  std::optional<ServerTimings> timings;
};

/// An OpenAI-shaped error: {"error": {"message", "type", "param", "code"}}.
struct ApiError {
  int status = 400;  // HTTP status it travels with
  std::string message;
  std::string type = "invalid_request_error";  // or "authentication_error", "server_error", ...
  std::string code;                            // machine-readable, e.g. "context_length_exceeded"
  std::string param;                           // offending field, may be empty
};

/// A model entry of GET /v1/models.
struct ModelCard {
  std::string id;
  std::string owned_by = "refbot";
  std::int64_t created = 0;
  std::string description;  // refbot extension: shape, precision, weight origin
  bool synthetic = false;   // refbot extension: replies come from the knowledge base
};

}  // namespace deploybench::openai
