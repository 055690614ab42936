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

/// Top-p's nucleus: the fewest most likely tokens (on equal probabilities the lower index first)
/// whose probabilities add up to more than top_p, or all when none do, leaving out tokens below
/// (1 - top_p) / (n - 1), which can never be in it. Found without sorting the vocabulary:
/// probabilities are bucketed by their leading bits (16 buckets per octave), summed from the top
/// bucket down, and only the bucket where the sum passes top_p is sorted.
class Nucleus {
 public:
  /// Finds the nucleus of `probs` (each in [0, 1]); returns its probability, 0 when it is empty.
  double find(std::span<const float> probs, float top_p);
  /// Whether token i, of probability p, is in the nucleus last found.
  bool contains(float p, int i) const;

 private:
  int bucket_ = 0;  // tokens in higher buckets are in; in this one, those up to (last_p_, last_)
  float last_p_ = 0;
  int last_ = -1;
  std::vector<double> bucket_mass_;
  std::vector<std::pair<float, int>> crossing_;
};

/// The members of top_p's nucleus of probs, in index order (for tests).
std::vector<int> top_p_nucleus(std::span<const float> probs, float top_p);

/// One sampler per sequence: the same seed and logits give the same tokens (on every CPU).
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
  Nucleus nucleus_;
};

/// e^x for x <= 0 as temperature sampling computes it (0 below -87 and for NaN; relative error
/// ~1e-7 against std::exp): the same bits on every CPU. Exposed for tests.
float sampling_exp(float x);

/// Index of the largest value (the first on ties; NaNs are skipped; 0 if there is none).
int argmax(std::span<const float> values);

}  // namespace deploybench::engine
