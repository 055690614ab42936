#pragma once
// Picks the next token from logits: greedy, temperature, top-p (nucleus);
// seeded.
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "core/rng.h"

namespace deploybench::engine {

struct SamplerOptions {
  float temperature = 0;  // 0: greedy (argmax)
  float top_p = 1;        // 1: sample from the whole distribution
  std::uint64_t seed = 0;
};

/// One sampler per sequence: the same seed and logits give the same tokens.
class Sampler {
 public:
  explicit Sampler(SamplerOptions options);
  int sample(std::span<const float> logits);

 private:
  int sample_top_p(std::span<const float> probs, float coin);
  SamplerOptions options_;
  Rng rng_;
  std::vector<float> weights_;     // e^((logit - max) / temperature), normalized for top-p
  std::vector<float> block_sums_;  // per block of the sampling walk
  std::vector<std::pair<float, int>> candidates_;
};

/// e^x for x <= 0 as temperature sampling computes it (0 below -87 and for NaN; relative error
/// ~1e-7 against std::exp): the same bits on every CPU. Exposed for tests.
float sampling_exp(float x);

/// Index of the largest value (the first on ties; NaNs are skipped; 0 if there is none).
int argmax(std::span<const float> values);

}  // namespace deploybench::engine
