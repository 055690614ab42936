#pragma once
// A deterministic Engine for tests and for running refbot's service without a model: byte-level
// tokenizer (exact round trip), a fixed cost per prefill and per decode step (slept, so the
// cadence is exact and the CPU stays free), and logits that make greedy sampling spell
// `pattern` and then end the sequence after `eos_after` tokens.
#include <mutex>
#include <string>
#include <vector>

#include "core/units.h"
#include "serve/engine.h"

namespace deploybench::serve {

struct FakeEngineOptions {
  std::string model_id = "refbot-fake";
  int max_sequences = 8;
  int context_length = 2048;
  bool synthetic = true;
  Nanos prefill_cost = std::chrono::milliseconds(2);  // per prefill call
  Nanos prefill_token_cost{0};                        // plus this per prompt token of the call
  bool chunked_prefill = true;                        // accepts prefill at start > 0
  Nanos step_cost = std::chrono::milliseconds(5);     // per decode call, whatever the batch
  std::string pattern = "lorem ipsum ";               // what greedy sampling spells
  int eos_after = 1 << 30;                            // tokens before the logits favour EOS
};

class FakeEngine final : public Engine {
 public:
  static constexpr int kBos = 256;
  static constexpr int kEos = 257;
  static constexpr int kVocab = 258;

  explicit FakeEngine(FakeEngineOptions options);
  const EngineInfo& info() const override { return info_; }
  std::vector<int> encode(std::string_view text, bool bos) const override;
  std::string decode_piece(int prev, int token) const override;
  int eos() const override { return kEos; }
  std::span<const float> prefill(int slot, std::span<const int> tokens, int start) override;
  std::span<const float> decode(std::span<const Step> steps) override;
  std::unique_ptr<TokenSampler> make_sampler(const SamplingOptions& options) const override;

  /// Largest batch decode() has seen, and how many decode calls ran (for tests).
  int max_batch_seen() const;
  int decode_calls() const;

 private:
  void fill_row(float* row, int slot, int pos) const;
  FakeEngineOptions options_;
  EngineInfo info_;
  std::vector<int> prompt_len_;  // per slot: prompt tokens prefilled so far
  std::vector<float> logits_;    // (max_sequences, kVocab)
  mutable std::mutex stats_mu_;
  int max_batch_seen_ = 0;
  int decode_calls_ = 0;
};

}  // namespace deploybench::serve
