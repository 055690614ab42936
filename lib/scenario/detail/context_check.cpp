#include "scenario/detail/context_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <utility>

#include "openai/error_hint.h"

namespace deploybench::scenario::detail {
namespace {

// refbot's synthetic presets tokenize bytes: a synthetic word (3.3 letters on average, 5 at most,
// and a space) is ~4-5 tokens, where llama- and GPT-style tokenizers count one. The estimate takes
// the upper end, so it says what *could* overflow. The chat markup around a prompt (BOS,
// "<|user|>\n", "\n<|assistant|>\n") is 25 tokens, a system prompt's ("<|system|>\n", "\n") 12.
constexpr int kTokensPerWord = 5;
constexpr int kChatMarkupTokens = 25;
constexpr int kSystemMarkupTokens = 12;

Where input_tokens_where(const ScenarioSpec& spec, const std::string& workload) {
  const auto it = std::find_if(spec.workloads.begin(), spec.workloads.end(),
                               [&](const NamedWorkload& w) { return w.name == workload; });
  return it == spec.workloads.end() ? Where{} : it->where;
}

}  // namespace

int refbot_prompt_tokens(const loadgen::WorkloadConfig& w) {
  int tokens = kChatMarkupTokens + kTokensPerWord * loadgen::max_length(w.input_tokens);
  if (!w.system_prompt.empty()) tokens += kSystemMarkupTokens + static_cast<int>(w.system_prompt.size());
  return tokens;
}

void warn_context_overflow(Reader& reader, const ScenarioSpec& spec, const RunPlan& plan) {
  std::set<std::pair<std::string, std::string>> warned;  // (workload, preset)
  for (const auto& cell : plan.cells) {
    const auto& w = cell.workload;
    const auto& model = cell.target.model;
    if (!w.prompts_file.empty() || !model.checkpoint.empty() || !target::serves_refbot(cell.target)) continue;
    const auto context = target::preset_context_length(model.preset);
    const int prompt = refbot_prompt_tokens(w);
    if (!context || prompt + w.max_tokens <= *context || !warned.emplace(w.name, model.preset).second) continue;
    const auto label = cell.axes.find("model");
    reader.warn(input_tokens_where(spec, w.name),
                fmt::format("workload '{}' could overflow the {}-token context of refbot's '{}' preset{}: up to {} "
                            "input words are up to ~{} tokens for it, plus max_tokens {}",
                            w.name, *context, model.preset,
                            label == cell.axes.end() ? "" : fmt::format(" (model '{}')", label->second),
                            loadgen::max_length(w.input_tokens), prompt, w.max_tokens),
                openai::words_vs_tokens_hint());
  }
}

}  // namespace deploybench::scenario::detail
