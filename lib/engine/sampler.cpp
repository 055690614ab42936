#include "engine/sampler.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace deploybench::engine {

namespace {

constexpr std::size_t kLanes = 16;
constexpr std::size_t kCdfBlock = 64;  // weights per block of the sampling walk

// The largest value (NaNs skipped; -inf if none). std::max_element compares one value at a time,
// each waiting on the last: ~100 us over a 32000-token vocabulary, 3% of a base int8 decode step;
// 16 running maxima (vectorized) take a few us.
float largest(std::span<const float> values) {
  const float lowest = -std::numeric_limits<float>::infinity();
  const std::size_t n = values.size();
  float lane[kLanes];
  std::fill(lane, lane + kLanes, lowest);
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (std::size_t j = 0; j < kLanes; ++j) lane[j] = values[i + j] > lane[j] ? values[i + j] : lane[j];
  }
  float best = lowest;
  for (float v : lane) best = v > best ? v : best;
  for (; i < n; ++i) best = values[i] > best ? values[i] : best;
  return best;
}

// e^x for x <= 0: 0 below -87 (where float e^x would be subnormal) and for NaN. Cody-Waite
// reduction x = k ln2 + r, |r| <= ln2/2, and Cephes' degree-7 polynomial for e^r (relative error
// ~1e-7 against std::exp, tested), scaled by 2^k through the exponent bits. Only float +, * and
// conversions (the engine compiles with -ffp-contract=off): every CPU computes the same bits,
// and the loop over a vocabulary vectorizes, unlike std::exp (~4 ns a call).
inline float exp_nonpositive(float x) {
  constexpr float kLog2e = 1.44269504088896341f, kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
  constexpr float kRound = 12582912.0f;  // 1.5 * 2^23: adding and subtracting it rounds to an integer
  // All ones for +0 and for -87 <= x <= -0 (sign set, magnitude at most 87's), else 0 (NaN too):
  // integer masks rather than branches, so the loop over a vocabulary vectorizes.
  const auto bits = std::bit_cast<std::uint32_t>(x);
  const std::uint32_t keep =
      0u - (static_cast<std::uint32_t>(bits == 0u) | static_cast<std::uint32_t>(bits - 0x80000000u <= 0x42AE0000u));
  x = std::bit_cast<float>(bits & keep);
  const float k = (x * kLog2e + kRound) - kRound;
  const float r = (x - k * kLn2Hi) - k * kLn2Lo;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  const std::uint32_t scaled =
      std::bit_cast<std::uint32_t>(p) + (static_cast<std::uint32_t>(static_cast<std::int32_t>(k)) << 23);
  return std::bit_cast<float>(scaled & keep);
}

}  // namespace

float sampling_exp(float x) { return exp_nonpositive(x); }

int argmax(std::span<const float> values) {
  // largest(), then the first index holding it: ~16 us over 32000 values (std::max_element ~100).
  const std::size_t n = values.size();
  const float best = largest(values);
  std::size_t from = 0;  // the first run of kLanes values holding best (compared a run at a time)
  for (; from + kLanes <= n; from += kLanes) {
    bool found = false;
    for (std::size_t j = 0; j < kLanes; ++j) found |= values[from + j] == best;
    if (found) break;
  }
  for (std::size_t k = from; k < n; ++k) {
    if (values[k] == best) return static_cast<int>(k);
  }
  return 0;  // empty, or every value NaN
}

Sampler::Sampler(SamplerOptions options) : options_(options), rng_(options.seed) {}

int Sampler::sample(std::span<const float> logits) {
  if (options_.temperature <= 0.0f) return argmax(logits);
  const float inv_t = 1.0f / options_.temperature;
  const float max = largest(logits);
  const std::size_t n = logits.size(), blocks = (n + kCdfBlock - 1) / kCdfBlock;
  weights_.resize(n);
  for (std::size_t i = 0; i < n; ++i) weights_[i] = exp_nonpositive((logits[i] - max) * inv_t);
  // Sums per block of kCdfBlock weights, each in kLanes running sums (vectorized), then the total:
  // the coin's target is found block by block, then weight by weight inside its block.
  block_sums_.resize(blocks);
  float total = 0.0f;
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::size_t begin = b * kCdfBlock, end = std::min(n, begin + kCdfBlock);
    float lane[kLanes] = {};
    std::size_t i = begin;
    for (; i + kLanes <= end; i += kLanes) {
      for (std::size_t j = 0; j < kLanes; ++j) lane[j] += weights_[i + j];
    }
    float sum = 0.0f;
    for (float v : lane) sum += v;
    for (; i < end; ++i) sum += weights_[i];
    block_sums_[b] = sum;
    total += sum;
  }
  const float coin = static_cast<float>(rng_.uniform());
  if (!(total > 0.0f) || !std::isfinite(total)) return argmax(logits);  // NaN or infinite logits
  if (options_.top_p > 0.0f && options_.top_p < 1.0f) {
    for (float& w : weights_) w /= total;
    return sample_top_p(weights_, coin);
  }
  const float target = coin * total;
  float below = 0.0f;  // the weight of every block before b
  std::size_t b = 0;
  while (b + 1 < blocks && below + block_sums_[b] <= target) below += block_sums_[b++];
  const std::size_t begin = b * kCdfBlock, end = std::min(n, begin + kCdfBlock);
  for (std::size_t i = begin; i < end; ++i) {
    below += weights_[i];
    if (target < below && weights_[i] > 0.0f) return static_cast<int>(i);
  }
  // Rounding left the target past the block's own sum: the last token with any weight up to it.
  for (std::size_t i = end; i-- > 0;) {
    if (weights_[i] > 0.0f) return static_cast<int>(i);
  }
  return argmax(logits);
}

namespace {
// Positive floats order as their bits: the top 13 (sign, exponent, one in 16 of the mantissa's
// range) give 16 buckets per octave, in order of probability.
int bucket_of(float p) { return static_cast<int>(std::bit_cast<std::uint32_t>(p) >> 19); }
}  // namespace

double Nucleus::find(std::span<const float> probs, float top_p) {
  const std::size_t n = probs.size();
  const float cutoff = n > 1 ? (1.0f - top_p) / static_cast<float>(n - 1) : 2.0f;
  last_ = -1;
  if (!(cutoff > 0.0f) || cutoff > 1.0f) return 0.0;
  const int low = bucket_of(cutoff), high = bucket_of(1.0f);
  bucket_mass_.assign(static_cast<std::size_t>(high - low + 1), 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    if (probs[i] >= cutoff) bucket_mass_[static_cast<std::size_t>(bucket_of(probs[i]) - low)] += probs[i];
  }
  double mass = 0.0;  // of the buckets above bucket_
  for (bucket_ = high; bucket_ > low; --bucket_) {
    const double m = bucket_mass_[static_cast<std::size_t>(bucket_ - low)];
    if (mass + m > top_p) break;
    mass += m;
  }
  crossing_.clear();
  for (std::size_t i = 0; i < n; ++i) {
    if (probs[i] >= cutoff && bucket_of(probs[i]) == bucket_) crossing_.emplace_back(probs[i], static_cast<int>(i));
  }
  std::sort(crossing_.begin(), crossing_.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  for (const auto& [p, i] : crossing_) {
    mass += p;
    last_p_ = p;
    last_ = i;
    if (mass > top_p) break;
  }
  return mass;
}

bool Nucleus::contains(float p, int i) const {
  const int b = bucket_of(p);
  if (b > bucket_) return p <= 1.0f;  // not NaN, whose bits sort above every probability
  return b == bucket_ && last_ >= 0 && (p > last_p_ || (p == last_p_ && i <= last_));
}

std::vector<int> top_p_nucleus(std::span<const float> probs, float top_p) {
  Nucleus nucleus;
  std::vector<int> out;
  if (nucleus.find(probs, top_p) == 0.0) return out;
  for (std::size_t i = 0; i < probs.size(); ++i) {
    if (nucleus.contains(probs[i], static_cast<int>(i))) out.push_back(static_cast<int>(i));
  }
  return out;
}

// The coin's share of the nucleus's probability, walked in index order over its members (the
// same distribution as walking them from the most likely, without sorting them).
int Sampler::sample_top_p(std::span<const float> probs, float coin) {
  const double mass = nucleus_.find(probs, options_.top_p);
  if (mass == 0.0) return argmax(probs);  // top_p below 1/n with a flat distribution
  const double target = coin * mass;
  double cdf = 0.0;
  int last = -1;
  for (std::size_t i = 0; i < probs.size(); ++i) {
    if (!nucleus_.contains(probs[i], static_cast<int>(i))) continue;
    cdf += probs[i];
    last = static_cast<int>(i);
    if (target < cdf) return last;
  }
  return last;
}

}  // namespace deploybench::engine
