#include "openai/error_hint.h"

#include <catch2/catch.hpp>
#include <string>

using deploybench::openai::context_length_hint;

TEST_CASE("a context-length error gets a hint that synthetic prompts count words", "[openai]") {
  const std::string refbot =
      R"({"error":{"code":"context_length_exceeded","message":"the prompt (276 tokens) plus max_tokens (64) )"
      R"(exceeds the context length of 256 tokens","param":"max_tokens","type":"invalid_request_error"}})";
  const std::string hint = context_length_hint(refbot);
  CHECK(hint.find("words") != std::string::npos);
  CHECK(hint.find("byte-level") != std::string::npos);
  CHECK_FALSE(context_length_hint("This model's maximum context length is 4096 tokens").empty());  // vLLM's wording
  CHECK(context_length_hint(R"({"error":{"code":"model_not_found"}})").empty());
  CHECK(context_length_hint("").empty());
}
