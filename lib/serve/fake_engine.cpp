#include "serve/fake_engine.h"

#include <algorithm>
#include <thread>

#include "core/check.h"

namespace deploybench::serve {
namespace {

class GreedySampler final : public TokenSampler {
 public:
  int sample(std::span<const float> logits) override {
    return static_cast<int>(std::max_element(logits.begin(), logits.end()) - logits.begin());
  }
};

}  // namespace

FakeEngine::FakeEngine(FakeEngineOptions options)
    : options_(std::move(options)),
      prompt_len_(static_cast<std::size_t>(options_.max_sequences), 0),
      logits_(static_cast<std::size_t>(options_.max_sequences) * kVocab, 0.0f) {
  info_.model_id = options_.model_id;
  info_.description = options_.synthetic ? "fake engine (synthetic)" : "fake engine (sampled)";
  info_.synthetic = options_.synthetic;
  info_.max_sequences = options_.max_sequences;
  info_.context_length = options_.context_length;
  info_.chunked_prefill = options_.chunked_prefill;
}

std::vector<int> FakeEngine::encode(std::string_view text, bool bos) const {
  std::vector<int> out;
  out.reserve(text.size() + 1);
  if (bos) out.push_back(kBos);
  for (unsigned char c : text) out.push_back(c);
  return out;
}

std::string FakeEngine::decode_piece(int /*prev*/, int token) const {
  if (token < 0 || token >= 256) return {};
  std::string piece;
  piece.push_back(static_cast<char>(token));
  return piece;
}

void FakeEngine::fill_row(float* row, int slot, int pos) const {
  std::fill(row, row + kVocab, 0.0f);
  // Output index of the token this row predicts: positions after the prompt count from 0.
  const int k = pos - prompt_len_[static_cast<std::size_t>(slot)] + 1;
  const auto& p = options_.pattern;
  const char c = p.empty() ? ' ' : p[static_cast<std::size_t>(k) % p.size()];
  row[static_cast<unsigned char>(c)] = 2.0f;
  row[kEos] = k >= options_.eos_after ? 3.0f : 1.0f;
}

std::span<const float> FakeEngine::prefill(int slot, std::span<const int> tokens, int start) {
  DEPLOYBENCH_CHECK(slot >= 0 && slot < options_.max_sequences) << "slot " << slot;
  int& filled = prompt_len_[static_cast<std::size_t>(slot)];
  // Chunks must continue the slot's prompt exactly where the previous chunk ended.
  DEPLOYBENCH_CHECK(start == 0 || (options_.chunked_prefill && start == filled))
      << "prefill at " << start << " after " << filled << " tokens";
  std::this_thread::sleep_for(options_.prefill_cost + static_cast<long>(tokens.size()) * options_.prefill_token_cost);
  filled = start + static_cast<int>(tokens.size());
  float* row = logits_.data();
  fill_row(row, slot, filled - 1);
  return {row, static_cast<std::size_t>(kVocab)};
}

std::span<const float> FakeEngine::decode(std::span<const Step> steps) {
  DEPLOYBENCH_CHECK(static_cast<int>(steps.size()) <= options_.max_sequences) << steps.size() << " steps";
  std::this_thread::sleep_for(options_.step_cost);
  for (std::size_t i = 0; i < steps.size(); ++i) fill_row(logits_.data() + i * kVocab, steps[i].slot, steps[i].pos);
  {
    std::lock_guard lock(stats_mu_);
    max_batch_seen_ = std::max(max_batch_seen_, static_cast<int>(steps.size()));
    ++decode_calls_;
  }
  return {logits_.data(), steps.size() * kVocab};
}

std::unique_ptr<TokenSampler> FakeEngine::make_sampler(const SamplingOptions& /*options*/) const {
  return std::make_unique<GreedySampler>();
}

int FakeEngine::max_batch_seen() const {
  std::lock_guard lock(stats_mu_);
  return max_batch_seen_;
}

int FakeEngine::decode_calls() const {
  std::lock_guard lock(stats_mu_);
  return decode_calls_;
}

}  // namespace deploybench::serve
