// Writing llama2.c checkpoints, and converting int8 weights back to fp32.
#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "core/fs.h"
#include "engine/arena.h"
#include "engine/checkpoint.h"
#include "engine/quantize.h"

namespace deploybench::engine {
namespace {

template <typename T>
void put(std::string& out, const T* data, std::size_t count) {
  out.append(reinterpret_cast<const char*>(data), count * sizeof(T));
}

template <typename T>
void put_value(std::string& out, T value) {
  put(out, &value, 1);
}

void put(std::string& out, const Fp32Matrix& m) { put(out, m.data, static_cast<std::size_t>(m.rows) * m.cols); }

void put(std::string& out, const Int8Matrix& m) {
  const std::size_t n = static_cast<std::size_t>(m.rows) * m.cols;
  put(out, m.q, n);
  put(out, m.scale, n / m.group);
}

template <typename Matrix>
void put_layer_matrices(std::string& out, const Weights<Matrix>& w) {
  for (const auto& l : w.layers) put(out, l.wq);
  for (const auto& l : w.layers) put(out, l.wk);
  for (const auto& l : w.layers) put(out, l.wv);
  for (const auto& l : w.layers) put(out, l.wo);
  for (const auto& l : w.layers) put(out, l.w1);
  for (const auto& l : w.layers) put(out, l.w2);
  for (const auto& l : w.layers) put(out, l.w3);
}

void put_config(std::string& out, const Config& c, int vocab) {
  for (int v : {c.dim, c.hidden_dim, c.n_layers, c.n_heads, c.n_kv_heads, vocab, c.seq_len})
    put_value<std::int32_t>(out, v);
}

// run.c's legacy layout (see checkpoint.cpp); the rotary tables it skips are
// written as export.py does.
std::string legacy_bytes(const Weights<Fp32Matrix>& w) {
  const Config& c = w.config;
  std::string out;
  put_config(out, c, c.shared_classifier ? c.vocab_size : -c.vocab_size);
  put(out, w.embedding);
  for (const auto& l : w.layers) put(out, l.rms_att, c.dim);
  for (const auto& l : w.layers) put(out, l.wq);
  for (const auto& l : w.layers) put(out, l.wk);
  for (const auto& l : w.layers) put(out, l.wv);
  for (const auto& l : w.layers) put(out, l.wo);
  for (const auto& l : w.layers) put(out, l.rms_ffn, c.dim);
  for (const auto& l : w.layers) put(out, l.w1);
  for (const auto& l : w.layers) put(out, l.w2);
  for (const auto& l : w.layers) put(out, l.w3);
  put(out, w.rms_final, c.dim);
  const int half = c.head_size() / 2;
  for (bool cosine : {true, false}) {
    for (int pos = 0; pos < c.seq_len; ++pos) {
      for (int f = 0; f < half; ++f) {
        const double angle = pos / std::pow(10000.0, 2.0 * f / c.head_size());
        put_value<float>(out, static_cast<float>(cosine ? std::cos(angle) : std::sin(angle)));
      }
    }
  }
  if (!c.shared_classifier) put(out, w.classifier);
  return out;
}

// export.py version 2: 256-byte header, fp32 norms, then int8 tensors each
// followed by its scales.
std::string version2_bytes(const Weights<Int8Matrix>& w) {
  const Config& c = w.config;
  std::string out;
  put_value<std::uint32_t>(out, kCheckpointMagic);
  put_value<std::int32_t>(out, 2);
  put_config(out, c, c.vocab_size);
  put_value<std::uint8_t>(out, c.shared_classifier ? 1 : 0);
  put_value<std::int32_t>(out, w.embedding.group);
  out.resize(256, '\0');
  for (const auto& l : w.layers) put(out, l.rms_att, c.dim);
  for (const auto& l : w.layers) put(out, l.rms_ffn, c.dim);
  put(out, w.rms_final, c.dim);
  put(out, w.embedding);
  put_layer_matrices(out, w);
  if (!c.shared_classifier) put(out, w.classifier);
  return out;
}

}  // namespace

Status write_checkpoint(const std::filesystem::path& path, const AnyWeights& weights) {
  const std::string bytes = std::visit(
      [](const auto& w) {
        if constexpr (std::is_same_v<std::decay_t<decltype(w)>, Weights<Fp32Matrix>>)
          return legacy_bytes(w);
        else
          return version2_bytes(w);
      },
      weights);
  return write_file_atomic(path, bytes);
}

Weights<Fp32Matrix> dequantize_weights(const Weights<Int8Matrix>& q) {
  Weights<Fp32Matrix> w;
  w.config = q.config;
  w.storage = q.storage;  // the norms stay where they are
  auto arena = std::make_shared<Arena>();
  w.storage.push_back(arena);
  auto convert = [&](const Int8Matrix& m) {
    float* data = arena->allocate<float>(static_cast<std::size_t>(m.rows) * m.cols);
    for (int r = 0; r < m.rows; ++r)
      dequantize_row(m, r, {data + static_cast<std::size_t>(r) * m.cols, static_cast<std::size_t>(m.cols)});
    return Fp32Matrix{data, m.rows, m.cols};
  };
  w.embedding = convert(q.embedding);
  for (const auto& l : q.layers) {
    w.layers.push_back(LayerWeights<Fp32Matrix>{l.rms_att, convert(l.wq), convert(l.wk), convert(l.wv), convert(l.wo),
                                                l.rms_ffn, convert(l.w1), convert(l.w3), convert(l.w2)});
  }
  w.rms_final = q.rms_final;
  w.classifier = q.config.shared_classifier ? w.embedding : convert(q.classifier);
  return w;
}

}  // namespace deploybench::engine
