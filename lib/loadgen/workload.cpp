#include "loadgen/workload.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/rng.h"

namespace deploybench::loadgen {
namespace {

// Short common words: each is one token in llama-style and GPT-style tokenizers.
constexpr std::array<const char*, 64> kWords = {
    "the", "of",   "and",  "to",    "in",    "is",  "you",  "that",  "it",    "he",   "was",  "for",   "on",
    "are", "as",   "with", "his",   "they",  "at",  "be",   "this",  "have",  "from", "or",   "one",   "had",
    "by",  "word", "but",  "not",   "what",  "all", "were", "we",    "when",  "your", "can",  "said",  "there",
    "use", "an",   "each", "which", "she",   "do",  "how",  "their", "if",    "will", "up",   "other", "about",
    "out", "many", "then", "them",  "these", "so",  "some", "her",   "would", "make", "like", "time"};

int draw_length(const LengthDistribution& d, Rng& rng) {
  if (const auto* f = std::get_if<FixedLength>(&d)) return f->tokens;
  if (const auto* u = std::get_if<UniformLength>(&d)) return static_cast<int>(rng.uniform_int(u->min, u->max));
  const auto& n = std::get<NormalLength>(d);
  const double v = std::round(rng.normal(n.mean, n.stddev));
  return static_cast<int>(std::clamp(v, static_cast<double>(n.min), static_cast<double>(n.max)));
}

std::int32_t count_words(const std::vector<Message>& messages) {
  std::int32_t words = 0;
  for (const auto& m : messages) {
    bool in_word = false;
    for (char c : m.content) {
      const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
      if (!space && !in_word) ++words;
      in_word = !space;
    }
  }
  return words;
}

}  // namespace

std::string build_chat_body(const std::vector<Message>& messages, const std::string& model,
                            const WorkloadConfig& config) {
  nlohmann::json body;
  body["model"] = model;
  auto& msgs = body["messages"] = nlohmann::json::array();
  for (const auto& m : messages) msgs.push_back({{"role", m.role}, {"content", m.content}});
  body["max_tokens"] = config.max_tokens;
  if (config.fix_output_length) body["min_tokens"] = config.max_tokens;  // refbot/vLLM extension
  body["temperature"] = config.temperature;
  body["stream"] = config.stream;
  if (config.stream) body["stream_options"] = {{"include_usage", true}};
  return body.dump();
}

std::string synthetic_prompt(std::size_t words, std::uint64_t seed) {
  Rng rng(seed);
  std::string out;
  out.reserve(words * 6);
  for (std::size_t i = 0; i < words; ++i) {
    if (i) out += ' ';
    out += kWords[static_cast<std::size_t>(rng.uniform_int(0, kWords.size() - 1))];
  }
  return out;
}

Result<std::vector<std::vector<Message>>> read_prompts_file(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return make_error(ErrorCode::NotFound, fmt::format("cannot open prompts file {}", path),
                      "workload.prompts_file must name a JSONL file of {\"messages\": [...]} lines");
  std::vector<std::vector<Message>> out;
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    const auto where = fmt::format("{}:{}", path, line_no);
    if (j.is_discarded()) return make_error(ErrorCode::InvalidArgument, where + ": not valid JSON");
    if (!j.is_object() || !j.contains("messages") || !j["messages"].is_array() || j["messages"].empty())
      return make_error(ErrorCode::InvalidArgument, where + ": expected an object with a non-empty \"messages\" array",
                        R"(e.g. {"messages": [{"role": "user", "content": "Hello"}]})");
    std::vector<Message> msgs;
    for (const auto& m : j["messages"]) {
      if (!m.is_object() || !m.contains("role") || !m["role"].is_string() || !m.contains("content") ||
          !m["content"].is_string())
        return make_error(ErrorCode::InvalidArgument, where + ": each message needs string \"role\" and \"content\"");
      msgs.push_back({m["role"].get<std::string>(), m["content"].get<std::string>()});
    }
    out.push_back(std::move(msgs));
  }
  if (out.empty()) return make_error(ErrorCode::InvalidArgument, fmt::format("prompts file {} has no prompts", path));
  return out;
}

Result<std::vector<PreparedRequest>> materialise(const WorkloadConfig& config, const std::string& model,
                                                 std::size_t count) {
  std::vector<PreparedRequest> out;
  out.reserve(count);
  if (!config.prompts_file.empty()) {
    auto prompts = read_prompts_file(config.prompts_file.string());
    if (!prompts) return std::move(prompts).error();
    for (std::size_t i = 0; i < count; ++i) {
      const auto& msgs = prompts.value()[i % prompts->size()];
      out.push_back({build_chat_body(msgs, model, config), count_words(msgs)});
    }
    return out;
  }
  Rng lengths(derive_seed(config.seed, "input_lengths"));
  const std::uint64_t text_seed = derive_seed(config.seed, "prompt_text");
  for (std::size_t i = 0; i < count; ++i) {
    const int words = draw_length(config.input_tokens, lengths);
    std::vector<Message> msgs;
    if (!config.system_prompt.empty()) msgs.push_back({"system", config.system_prompt});
    msgs.push_back({"user", synthetic_prompt(static_cast<std::size_t>(words), text_seed + i)});
    out.push_back({build_chat_body(msgs, model, config), count_words(msgs)});
  }
  return out;
}

}  // namespace deploybench::loadgen
