#pragma once
// Seeded, portable random numbers: the same seed gives the same sequence on every platform
// (std:: distributions are implementation-defined, so the few we need are written here).
#include <cstdint>

namespace deploybench {

/// xoshiro256** seeded through splitmix64 (Blackman & Vigna, https://prng.di.unimi.it/).
class Rng {
 public:
  explicit Rng(std::uint64_t seed);
  std::uint64_t next_u64();
  /// Uniform in [0, 1).
  double uniform();
  /// Uniform integer in [lo, hi] (inclusive).
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);
  /// Exponential with the given mean (inverse transform).
  double exponential(double mean);
  /// Standard normal (Box-Muller, one value per call).
  double normal(double mean, double stddev);
  /// Gamma(shape k, scale theta), Marsaglia-Tsang; k < 1 handled by boosting.
  double gamma(double shape, double scale);

 private:
  std::uint64_t s_[4];
};

/// Derives an independent seed for a named stream ("schedule", "prompts") from a base seed.
std::uint64_t derive_seed(std::uint64_t base, const char* stream_name);

}  // namespace deploybench
