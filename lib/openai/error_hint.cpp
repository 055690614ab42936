#include "openai/error_hint.h"

namespace deploybench::openai {

std::string context_length_hint(std::string_view error) {
  if (error.find("context_length_exceeded") == std::string_view::npos &&
      error.find("context length") == std::string_view::npos)
    return {};
  return words_vs_tokens_hint();
}

std::string words_vs_tokens_hint() {
  return "synthetic prompts are input_tokens common English words, about one token each in llama- and "
         "GPT-style tokenizers; a byte-level tokenizer (refbot's synthetic presets) counts ~4-5 tokens per "
         "word, so lower input_tokens or max_tokens for it";
}

}  // namespace deploybench::openai
