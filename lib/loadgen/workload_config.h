#pragma once
// What to send. Materialised into concrete requests before timing starts.
#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "core/error.h"

namespace deploybench::loadgen {

struct FixedLength {
  int tokens = 64;
};
struct UniformLength {
  int min = 16;
  int max = 128;
};
struct NormalLength {
  double mean = 64;
  double stddev = 16;
  int min = 1;
  int max = 512;
};
using LengthDistribution = std::variant<FixedLength, UniformLength, NormalLength>;
/// The longest synthetic prompt the distribution draws, in words.
inline int max_length(const LengthDistribution& lengths) {
  if (const auto* f = std::get_if<FixedLength>(&lengths)) return f->tokens;
  if (const auto* u = std::get_if<UniformLength>(&lengths)) return u->max;
  return std::get<NormalLength>(lengths).max;
}

struct WorkloadConfig {
  std::string name = "chat";
  bool stream = true;
  LengthDistribution input_tokens = FixedLength{32};  // synthetic prompt length in words (~1 token each
                                                      // in llama/GPT tokenizers, ~4-5 in refbot's)
  int max_tokens = 64;                                // output length cap
  bool fix_output_length = true;                      // also send min_tokens = max_tokens
  std::filesystem::path prompts_file;                 // JSONL of {"messages": [...]}; empty = synthetic
  std::string system_prompt;                          // optional system message for synthetic prompts
  double temperature = 0.0;
  std::uint64_t seed = 1;
  std::vector<Diagnostic> validate() const;
};

}  // namespace deploybench::loadgen
