#pragma once
// Small random models for engine tests: built in-test from a fixed seed, no
// downloads.
#include <memory>

#include "engine/transformer.h"

namespace deploybench::engine::testing {

/// dim 64, hidden 96 (an odd number of 32-value chunks), 2 layers, 4 query
/// heads over 2 KV heads (grouped-query attention), vocab 300, context 48,
/// separate classifier.
inline Config test_config() { return Config{64, 96, 2, 4, 2, 300, 48, false}; }

inline ModelOptions test_options(int threads = 1) {
  ModelOptions o;
  o.threads = threads;
  o.max_sequences = 4;
  return o;
}

inline std::unique_ptr<Transformer<Fp32Matrix>> fp32_model(Isa isa, int threads = 1, std::uint64_t seed = 7) {
  return std::make_unique<Transformer<Fp32Matrix>>(make_synthetic_fp32(test_config(), seed), test_options(threads),
                                                   true, isa);
}

inline std::unique_ptr<Transformer<Int8Matrix>> int8_model(Isa isa, int threads = 1, std::uint64_t seed = 7) {
  return std::make_unique<Transformer<Int8Matrix>>(quantize_weights(make_synthetic_fp32(test_config(), seed), 32),
                                                   test_options(threads), true, isa);
}

/// Every ISA path this CPU can run (the portable one always).
inline std::vector<Isa> runnable_isas() {
  std::vector<Isa> isas{Isa::Portable};
  if (detect_isa() != Isa::Portable) isas.push_back(Isa::Avx2);
  if (detect_isa() == Isa::Avx512Vnni) isas.push_back(Isa::Avx512Vnni);
  return isas;
}

}  // namespace deploybench::engine::testing
