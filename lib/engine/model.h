#pragma once
// The engine's public face for refbot's server: load a model, prefill prompts,
// decode batches.
#include <memory>
#include <span>
#include <string>

#include "core/error.h"
#include "engine/config.h"

namespace deploybench::engine {

class ThreadPool;

/// A loaded transformer with a KV cache of max_sequences() slots.
/// Not thread-safe: one thread drives the model (serve's scheduler loop); the
/// model's own pool parallelizes each call internally.
class Model {
 public:
  virtual ~Model() = default;
  virtual const Config& config() const = 0;
  virtual Precision precision() const = 0;
  virtual bool synthetic() const = 0;           // weights from a seed, not a checkpoint
  virtual std::string description() const = 0;  // e.g. "tiny int8 (15.2M params, synthetic)"
  virtual int max_sequences() const = 0;
  virtual int threads() const = 0;
  /// Weight bytes one decode step reads (the memory-roofline numerator, without
  /// the KV cache).
  virtual std::size_t decode_weight_bytes() const = 0;
  /// KV-cache bytes one decode step reads for a sequence at position `pos`.
  virtual std::size_t kv_bytes_at(int pos) const = 0;

  /// Prefills `tokens` into slot `slot` at positions start.., as matrix-matrix
  /// products over the prompt. Returns the logits of the last token (vocab_size
  /// floats), valid until the next call. A prompt may be prefilled in chunks
  /// (start > 0 continues one whose cache holds positions 0..start-1), so a
  /// server can interleave decode steps. Requires 0 <= slot < max_sequences(),
  /// start >= 0, 1 <= tokens.size(), start + tokens.size() <= seq_len, tokens < vocab_size.
  virtual std::span<const float> prefill(int slot, std::span<const int> tokens, int start = 0) = 0;

  struct Step {
    int slot;
    int token;
    int pos;
  };
  /// One decode step for B sequences at once, reading each weight once: for
  /// each i, feeds steps[i].token at position steps[i].pos into slot
  /// steps[i].slot (whose cache must hold positions 0..pos-1). Returns B x
  /// vocab_size logits, row i for steps[i], valid until the next call. Requires
  /// 1 <= B <= max_sequences() and distinct slots.
  virtual std::span<const float> decode(std::span<const Step> steps) = 0;
  /// The model's threads (refbot bench runs its bandwidth probe on them, between decode steps, so
  /// probe and decode share cores and neither's threads spin in the other's time).
  virtual ThreadPool& pool() = 0;

  /// How the kernels fetch weights, where the engine chooses it while decoding (fp32 on AVX-512,
  /// fetch_tuner.h): `way` "ahead" (software prefetch) or "hardware" (the hardware prefetchers),
  /// and how many times the choice changed so far. Empty `way` where there is no choice.
  struct FetchChoice {
    std::string way;
    int switches = 0;
  };
  virtual FetchChoice fetch_choice() const { return {}; }
};

/// Builds the model `options` describe: a synthetic preset, or a llama2.c
/// checkpoint (errors name the file and what is wrong with it).
Result<std::unique_ptr<Model>> load_model(const ModelOptions& options);

}  // namespace deploybench::engine
