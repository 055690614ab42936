#pragma once
// serve's view of the inference core: the seam between the scheduler and a model. It mirrors
// engine::Model (batched prefill/decode over KV-cache slots) plus its tokenizer and sampler, so
// the adapter to lib/engine stays small and tests drive the real scheduler with a FakeEngine.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace deploybench::serve {

struct EngineInfo {
  std::string model_id;     // served model name, e.g. "refbot-tiny"
  std::string description;  // e.g. "tiny int8 (15.2M params, synthetic)"
  bool synthetic = true;    // weights from a seed: replies come from the knowledge base
  int max_sequences = 1;    // KV-cache slots = largest batch
  int context_length = 0;   // tokens per sequence (prompt + output)
  /// prefill() accepts start > 0, so a long prompt can be prefilled in chunks between decode
  /// steps. False: every prompt is prefilled in one call from position 0.
  bool chunked_prefill = false;
};

struct SamplingOptions {
  float temperature = 0;  // 0 = greedy
  float top_p = 1;
  std::uint64_t seed = 0;
};

/// Picks the next token from a logits row. One per sequence (it owns the RNG state).
class TokenSampler {
 public:
  virtual ~TokenSampler() = default;
  virtual int sample(std::span<const float> logits) = 0;
};

/// Threading: prefill/decode/make_sampler are called from the one scheduler thread only;
/// info/encode/decode_piece/eos are const and may be called from any thread.
class Engine {
 public:
  struct Step {
    int slot;   // KV-cache slot in [0, max_sequences)
    int token;  // token to feed
    int pos;    // its position in the sequence
  };
  virtual ~Engine() = default;
  virtual const EngineInfo& info() const = 0;
  virtual std::vector<int> encode(std::string_view text, bool bos) const = 0;
  /// Text of `token` following `prev` (tokenizers strip a leading space after BOS).
  virtual std::string decode_piece(int prev, int token) const = 0;
  virtual int eos() const = 0;
  /// Prefills `tokens` into `slot` at positions [start, start + tokens.size()); the slot
  /// already holds positions [0, start) (start > 0 only if info().chunked_prefill). Returns
  /// the last token's logits (vocab floats), valid until the next prefill/decode call.
  virtual std::span<const float> prefill(int slot, std::span<const int> tokens, int start) = 0;
  /// One batched decode step; returns steps.size() x vocab logits, row i for steps[i].
  virtual std::span<const float> decode(std::span<const Step> steps) = 0;
  virtual std::unique_ptr<TokenSampler> make_sampler(const SamplingOptions& options) const = 0;
};

}  // namespace deploybench::serve
