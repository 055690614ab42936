#include "engine/weights.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/rng.h"
#include "engine/arena.h"
#include "engine/pack.h"
#include "engine/quantize.h"

namespace deploybench::engine {

void embed(const Fp32Matrix& m, int token, std::span<float> out) {
  std::memcpy(out.data(), m.data + static_cast<std::size_t>(token) * m.cols, sizeof(float) * m.cols);
}

void embed(const Int8Matrix& m, int token, std::span<float> out) { dequantize_row(m, token, out); }

void embed(const PackedInt8Matrix& m, int token, std::span<float> out) { dequantize_row(m, token, out); }

std::size_t matrix_bytes(const Fp32Matrix& m) { return sizeof(float) * static_cast<std::size_t>(m.rows) * m.cols; }

std::size_t matrix_bytes(const Int8Matrix& m) {
  const std::size_t n = static_cast<std::size_t>(m.rows) * m.cols;
  return n + sizeof(float) * (n / m.group);
}

std::size_t matrix_bytes(const PackedInt8Matrix& m) { return m.block_bytes() * static_cast<std::size_t>(m.blocks()); }

template <typename Matrix>
std::size_t decode_weight_bytes(const Weights<Matrix>& w) {
  const Config& c = w.config;
  std::size_t bytes = matrix_bytes(w.classifier) + matrix_bytes(w.embedding) / c.vocab_size;
  for (const auto& l : w.layers) {
    for (const Matrix* m : {&l.wq, &l.wk, &l.wv, &l.wo, &l.w1, &l.w2, &l.w3}) bytes += matrix_bytes(*m);
  }
  return bytes + sizeof(float) * c.dim * (2 * c.n_layers + 1);
}
template std::size_t decode_weight_bytes(const Weights<Fp32Matrix>&);
template std::size_t decode_weight_bytes(const Weights<Int8Matrix>&);
template std::size_t decode_weight_bytes(const Weights<PackedInt8Matrix>&);

namespace {

// Uniform values in [-limit, limit) from `rng`; 24 random bits each, fast enough for 110M values.
const float* uniform_tensor(Arena& arena, Rng& rng, std::size_t n, float limit) {
  float* t = arena.allocate<float>(n);
  for (std::size_t i = 0; i < n; ++i)
    t[i] = (static_cast<float>(rng.next_u64() >> 40) * 0x1p-24f * 2.0f - 1.0f) * limit;
  return t;
}

// A fresh arena owned by `storage` (so it lives as long as the weights).
Arena& new_arena(std::vector<std::shared_ptr<const void>>& storage) {
  auto arena = std::make_shared<Arena>();
  storage.push_back(arena);
  return *arena;
}

}  // namespace

Weights<Fp32Matrix> make_synthetic_fp32(const Config& c, std::uint64_t seed) {
  Weights<Fp32Matrix> w;
  w.config = c;
  Rng rng(derive_seed(seed, "synthetic-weights"));
  Arena& arena = new_arena(w.storage);
  // Logits = embedding . normalized state: a std of 2 / sqrt(dim) per entry
  // gives logits of std ~2.
  const float emb_limit = std::sqrt(3.0f) * 2.0f / std::sqrt(static_cast<float>(c.dim));
  auto linear = [&](int rows, int cols, float gain) {
    const float limit = gain * std::sqrt(3.0f / static_cast<float>(cols));  // std = gain / sqrt(fan_in)
    return Fp32Matrix{uniform_tensor(arena, rng, static_cast<std::size_t>(rows) * cols, limit), rows, cols};
  };
  w.embedding = Fp32Matrix{uniform_tensor(arena, rng, static_cast<std::size_t>(c.vocab_size) * c.dim, emb_limit),
                           c.vocab_size, c.dim};
  const std::size_t norm_count = static_cast<std::size_t>(c.dim) * (2 * c.n_layers + 1);
  float* norms = arena.allocate<float>(norm_count);
  std::fill(norms, norms + norm_count, 1.0f);
  // Residual branches scaled by 1/sqrt(2 n_layers) so the residual stream stays
  // O(1) in depth.
  const float residual_gain = 1.0f / std::sqrt(2.0f * static_cast<float>(c.n_layers));
  for (int l = 0; l < c.n_layers; ++l) {
    LayerWeights<Fp32Matrix> layer;
    layer.rms_att = norms + static_cast<std::size_t>(2 * l) * c.dim;
    layer.rms_ffn = norms + static_cast<std::size_t>(2 * l + 1) * c.dim;
    layer.wq = linear(c.dim, c.dim, 1.0f);
    layer.wk = linear(c.kv_dim(), c.dim, 1.0f);
    layer.wv = linear(c.kv_dim(), c.dim, 1.0f);
    layer.wo = linear(c.dim, c.dim, residual_gain);
    layer.w1 = linear(c.hidden_dim, c.dim, 1.0f);
    layer.w2 = linear(c.dim, c.hidden_dim, residual_gain);
    layer.w3 = linear(c.hidden_dim, c.dim, 1.0f);
    w.layers.push_back(layer);
  }
  w.rms_final = norms + static_cast<std::size_t>(2 * c.n_layers) * c.dim;
  w.classifier = c.shared_classifier ? w.embedding : linear(c.vocab_size, c.dim, 1.0f);
  return w;
}

namespace {

// `f` with every matrix converted by `convert` (the shared classifier converted once) and the
// norms copied into `arena`, so the result does not keep `f`'s storage alive.
template <typename To, typename From, typename Convert>
Weights<To> convert_weights(const Weights<From>& f, Arena& arena, Convert convert) {
  Weights<To> w;
  w.config = f.config;
  const Config& c = f.config;
  const std::size_t layers = f.layers.size();
  float* n = arena.allocate<float>(static_cast<std::size_t>(c.dim) * (2 * layers + 1));
  for (std::size_t l = 0; l < layers; ++l) {
    std::copy(f.layers[l].rms_att, f.layers[l].rms_att + c.dim, n + 2 * l * c.dim);
    std::copy(f.layers[l].rms_ffn, f.layers[l].rms_ffn + c.dim, n + (2 * l + 1) * c.dim);
  }
  std::copy(f.rms_final, f.rms_final + c.dim, n + 2 * layers * c.dim);
  w.embedding = convert(f.embedding);
  for (std::size_t l = 0; l < layers; ++l) {
    const auto& src = f.layers[l];
    w.layers.push_back(LayerWeights<To>{n + 2 * l * c.dim, convert(src.wq), convert(src.wk), convert(src.wv),
                                        convert(src.wo), n + (2 * l + 1) * c.dim, convert(src.w1), convert(src.w3),
                                        convert(src.w2)});
  }
  w.rms_final = n + 2 * layers * c.dim;
  w.classifier = c.shared_classifier ? w.embedding : convert(f.classifier);
  return w;
}

}  // namespace

Weights<Int8Matrix> quantize_weights(const Weights<Fp32Matrix>& f, int group) {
  std::vector<std::shared_ptr<const void>> storage;
  Arena& arena = new_arena(storage);
  auto w = convert_weights<Int8Matrix>(f, arena, [&](const Fp32Matrix& m) {
    const std::size_t n = static_cast<std::size_t>(m.rows) * m.cols;
    std::int8_t* q = arena.allocate<std::int8_t>(n);
    float* s = arena.allocate<float>(n / group);
    quantize_groups({m.data, n}, group, {q, n}, {s, n / group});
    return Int8Matrix{q, s, m.rows, m.cols, group};
  });
  w.storage = std::move(storage);
  return w;
}

Weights<PackedInt8Matrix> pack_weights(const Weights<Int8Matrix>& q) {
  std::vector<std::shared_ptr<const void>> storage;
  Arena& arena = new_arena(storage);
  auto w = convert_weights<PackedInt8Matrix>(q, arena, [&](const Int8Matrix& m) { return pack_int8(m, arena); });
  w.storage = std::move(storage);
  return w;
}

}  // namespace deploybench::engine
