#pragma once
// What to tell a user about an error an OpenAI-compatible server returned, when deploybench's
// own inputs are the likely cause. Used where errors are shown: `deploybench probe` and the
// error notes of every report.
#include <string>
#include <string_view>

namespace deploybench::openai {

/// A hint for an error a server returned (its body or message): when it says the prompt does not
/// fit the model's context (OpenAI's and refbot's `context_length_exceeded`, vLLM's "maximum
/// context length"), that synthetic prompts count words, not the server's tokens. Empty for any
/// other error.
std::string context_length_hint(std::string_view error);
/// That hint's text alone, for warnings given before any request (the scenario loader).
std::string words_vs_tokens_hint();

}  // namespace deploybench::openai
