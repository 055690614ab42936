#pragma once
// Materialises a WorkloadConfig into ready-to-send request bodies before timing starts, so the
// hot path only hands pre-built bytes to curl.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"
#include "loadgen/workload_config.h"

namespace deploybench::loadgen {

struct Message {
  std::string role;  // "system" | "user" | "assistant"
  std::string content;
};

/// One request body (JSON) and its approximate prompt length in tokens (words of the prompt;
/// the server's usage.prompt_tokens replaces it when reported).
struct PreparedRequest {
  std::string body;
  std::int32_t input_tokens = 0;
};

/// The chat-completions body for `messages`: model, max_tokens (and min_tokens when the output
/// length is fixed), temperature, and stream with stream_options.include_usage when streaming.
std::string build_chat_body(const std::vector<Message>& messages, const std::string& model,
                            const WorkloadConfig& config);

/// A synthetic prompt of `words` pseudo-random common English words (about one token each).
std::string synthetic_prompt(std::size_t words, std::uint64_t seed);

/// `count` requests: synthetic prompts with lengths drawn from config.input_tokens, or the
/// prompts of config.prompts_file (JSONL, one {"messages": [{"role", "content"}...]} per line)
/// cycled in order. Deterministic for a given config.seed.
Result<std::vector<PreparedRequest>> materialise(const WorkloadConfig& config, const std::string& model,
                                                 std::size_t count);

/// Reads a JSONL prompts file; errors name the file and line.
Result<std::vector<std::vector<Message>>> read_prompts_file(const std::string& path);

}  // namespace deploybench::loadgen
