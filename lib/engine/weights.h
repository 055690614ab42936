#pragma once
// Transformer weights as views over storage owned here (synthetic) or a
// memory-mapped file. One template over the matrix type: Fp32Matrix or
// Int8Matrix (PackedInt8Matrix for the int8 kernels; see pack.h).
#include <memory>
#include <span>
#include <variant>
#include <vector>

#include "engine/config.h"
#include "engine/matrix.h"

namespace deploybench::engine {

template <typename Matrix>
struct LayerWeights {
  const float* rms_att = nullptr;  // dim
  Matrix wq, wk, wv;               // dim x dim, kv_dim x dim, kv_dim x dim
  Matrix wo;                       // dim x dim
  const float* rms_ffn = nullptr;  // dim
  Matrix w1, w3;                   // hidden x dim (gate, up)
  Matrix w2;                       // dim x hidden (down)
};

template <typename Matrix>
struct Weights {
  Config config;
  Matrix embedding;  // vocab x dim
  std::vector<LayerWeights<Matrix>> layers;
  const float* rms_final = nullptr;                  // dim
  Matrix classifier;                                 // vocab x dim; the embedding itself when shared
  std::vector<std::shared_ptr<const void>> storage;  // keeps the viewed memory alive
};

using AnyWeights = std::variant<Weights<Fp32Matrix>, Weights<Int8Matrix>>;

/// Writes the embedding row of `token` into `out` (dim floats).
void embed(const Fp32Matrix& m, int token, std::span<float> out);
void embed(const Int8Matrix& m, int token, std::span<float> out);
void embed(const PackedInt8Matrix& m, int token, std::span<float> out);

/// Bytes one decode step reads from a matrix (int8: values plus scales).
std::size_t matrix_bytes(const Fp32Matrix& m);
std::size_t matrix_bytes(const Int8Matrix& m);
std::size_t matrix_bytes(const PackedInt8Matrix& m);  // its blocks, padding rows included

/// Weight bytes read by one decode step: every layer matrix, the norms, the
/// classifier and one embedding row.
template <typename Matrix>
std::size_t decode_weight_bytes(const Weights<Matrix>& w);

/// Synthetic weights from `seed`, scaled so activations stay finite over the
/// whole context. Int8 weights are the fp32 ones quantized with `group` (same
/// seed, same model).
Weights<Fp32Matrix> make_synthetic_fp32(const Config& config, std::uint64_t seed);
Weights<Int8Matrix> quantize_weights(const Weights<Fp32Matrix>& w, int group);

/// `w` repacked for the int8 kernels (see PackedInt8Matrix), norms copied: the result owns all
/// its memory, so dropping `w` releases the row-major weights (an arena or a mapped file) and
/// the model holds one copy. The file formats and export keep the row-major Int8Matrix.
Weights<PackedInt8Matrix> pack_weights(const Weights<Int8Matrix>& w);

}  // namespace deploybench::engine
