#include "engine/transformer.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/check.h"
#include "engine/arena.h"
#include "engine/quantize.h"

namespace deploybench::engine {
namespace {

// Prompt tokens per forward pass in prefill: a matrix-matrix product of this
// many rows.
constexpr int kPrefillChunk = 64;

// `dot` sums the squares (a path's VectorOps::dot: vectorized, in its own order).
void rmsnorm(float* out, const float* x, const float* weight, int n, float (*dot)(const float*, const float*, int)) {
  const float ss = dot(x, x, n);
  const float inv = 1.0f / std::sqrt(ss / static_cast<float>(n) + 1e-5f);
  for (int i = 0; i < n; ++i) out[i] = weight[i] * (x[i] * inv);
}

// Rotates consecutive pairs of each head-sized block of `v` (width n) by the
// angles of `pos`.
void rotate(float* v, int n, int head_size, const float* cos, const float* sin) {
  for (int i = 0; i < n; i += 2) {
    const int f = (i % head_size) / 2;
    const float v0 = v[i], v1 = v[i + 1];
    v[i] = v0 * cos[f] - v1 * sin[f];
    v[i + 1] = v0 * sin[f] + v1 * cos[f];
  }
}

Weights<Fp32Matrix> computed(Weights<Fp32Matrix>&& w) { return std::move(w); }

// Packed, and the row-major weights (`w`, the caller's last reference) freed on return.
Weights<PackedInt8Matrix> computed(Weights<Int8Matrix>&& w) {
  const Weights<Int8Matrix> rows = std::move(w);
  return pack_weights(rows);
}

}  // namespace

template <typename Matrix>
Transformer<Matrix>::Transformer(Weights<Matrix> weights, const ModelOptions& options, bool synthetic, Isa isa)
    : w_(computed(std::move(weights))),
      synthetic_(synthetic),
      isa_(isa),
      vec_(vector_ops(isa)),
      max_sequences_(std::max(1, options.max_sequences)),
      max_rows_(std::max(max_sequences_, kPrefillChunk)),
      label_(synthetic ? options.preset : options.checkpoint.filename().string()),
      pool_(std::max(1, options.threads)) {
  const Config& c = w_.config;
  const auto rows = static_cast<std::size_t>(max_rows_);
  x_.resize(rows * c.dim);
  xb_.resize(rows * std::max(c.dim, c.hidden_dim));
  xb2_.resize(rows * c.dim);
  q_.resize(rows * c.dim);
  k_.resize(rows * c.kv_dim());
  v_.resize(rows * c.kv_dim());
  hb_.resize(rows * c.hidden_dim);
  hb2_.resize(rows * c.hidden_dim);
  att_.resize(rows * c.n_heads * static_cast<std::size_t>(c.seq_len));
  const std::size_t spans = rows + 2 * static_cast<std::size_t>(pool_.size());  // >= batch * attention_parts
  part_out_.resize(spans * c.dim);
  part_lse_.resize(spans * c.n_heads);
  logits_.resize(static_cast<std::size_t>(max_sequences_) * c.vocab_size);
  const int half = c.head_size() / 2;
  rope_cos_.resize(static_cast<std::size_t>(c.seq_len) * half);
  rope_sin_.resize(rope_cos_.size());
  for (int pos = 0; pos < c.seq_len; ++pos) {
    for (int f = 0; f < half; ++f) {
      // llama2.c: freq = 1 / 10000^(2f / head_size)
      const float freq = 1.0f / std::pow(10000.0f, static_cast<float>(2 * f) / static_cast<float>(c.head_size()));
      const float angle = static_cast<float>(pos) * freq;
      rope_cos_[static_cast<std::size_t>(pos) * half + f] = std::cos(angle);
      rope_sin_[static_cast<std::size_t>(pos) * half + f] = std::sin(angle);
    }
  }
  // Huge pages when the whole cache fits easily in this machine's (or container's) memory:
  // batch-8 decode is ~17% faster than with base pages, but a slot's first token then faults in
  // 2 MiB per layer. Otherwise base pages, faulted in as positions are used, so a
  // small VM is not filled by a few slots.
  const std::size_t cache = sizeof(Kv) * c.n_layers * max_sequences_ * c.seq_len * c.kv_dim();
  const bool huge = 2 * cache <= memory_limit_bytes() / 4;
  key_memory_ = huge ? allocate_huge(cache) : allocate_lazy(cache);
  value_memory_ = huge ? allocate_huge(cache) : allocate_lazy(cache);
}

template <typename Matrix>
Precision Transformer<Matrix>::precision() const {
  return std::is_same_v<Matrix, Int8Matrix> ? Precision::Int8 : Precision::Fp32;
}

template <typename Matrix>
std::string Transformer<Matrix>::description() const {
  return fmt::format("{} {} ({:.1f}M params, {}, {} kernels, {} threads)", label_, to_string(precision()),
                     static_cast<double>(w_.config.parameters()) / 1e6, synthetic_ ? "synthetic" : "checkpoint",
                     to_string(isa_), pool_.size());
}

template <typename Matrix>
auto Transformer<Matrix>::fetch_choice() const -> FetchChoice {
  if (!std::is_same_v<Matrix, Fp32Matrix> || !has_fetch_choice(isa_)) return {};
  return {tuner_.current() == Fetch::Ahead ? "ahead" : "hardware", tuner_.switches()};
}

template <typename Matrix>
std::size_t Transformer<Matrix>::decode_weight_bytes() const {
  return engine::decode_weight_bytes(w_);
}

template <typename Matrix>
std::size_t Transformer<Matrix>::kv_bytes_at(int pos) const {
  const Config& c = w_.config;
  return 2 * sizeof(Kv) * static_cast<std::size_t>(c.n_layers) * (pos + 1) * c.kv_dim();
}

template <typename Matrix>
std::size_t Transformer<Matrix>::cache_offset(int layer, int slot) const {
  const Config& c = w_.config;
  return (static_cast<std::size_t>(layer) * max_sequences_ + slot) * c.seq_len * c.kv_dim();
}

template <typename Matrix>
auto Transformer<Matrix>::keys(int layer, int slot) const -> Kv* {
  return static_cast<Kv*>(key_memory_.get()) + cache_offset(layer, slot);
}

template <typename Matrix>
auto Transformer<Matrix>::values(int layer, int slot) const -> Kv* {
  return static_cast<Kv*>(value_memory_.get()) + cache_offset(layer, slot);
}

template <typename Matrix>
void Transformer<Matrix>::store(const float* x, Kv* to, int n) const {
  if constexpr (std::is_same_v<Kv, float>) {
    std::memcpy(to, x, sizeof(float) * n);
  } else {
    vec_.to_half(x, to, n);
  }
}

template <typename Matrix>
void Transformer<Matrix>::prepare(const float* x, int rows, int cols) {
  if constexpr (std::is_same_v<Matrix, Fp32Matrix>) {
    input_ = Fp32Input{x, rows, cols};  // used as it is: no pass over the pool
  } else {
    prepare_rows(x, rows, cols, [](int, int) {});
  }
}

template <typename Matrix>
void Transformer<Matrix>::normalize(const float* weight, int first, int rows, const float* residual) {
  const int dim = w_.config.dim;
  prepare_rows(xb_.data(), rows, dim, [&](int r0, int r1) {
    for (int r = r0; r < r1; ++r) {
      float* x = x_.data() + static_cast<std::size_t>(first + r) * dim;
      if (residual) {
        const float* add = residual + static_cast<std::size_t>(first + r) * dim;
        for (int i = 0; i < dim; ++i) x[i] += add[i];
      }
      rmsnorm(xb_.data() + static_cast<std::size_t>(r) * dim, x, weight, dim, vec_.dot);
    }
  });
}

template <typename Matrix>
template <typename Before>
void Transformer<Matrix>::prepare_rows(const float* x, int rows, int cols, Before&& before) {
  // Rows are independent: a prefill chunk's 64 rows split over the pool, 4 per task.
  constexpr int kRowsPerTask = 4;
  if constexpr (std::is_same_v<Matrix, Int8Matrix>) shape_input(rows, cols, w_.embedding.group, input_);
  pool_.run((rows + kRowsPerTask - 1) / kRowsPerTask, [&](int task) {
    const int r0 = task * kRowsPerTask, r1 = std::min(rows, r0 + kRowsPerTask);
    before(r0, r1);
    if constexpr (std::is_same_v<Matrix, Int8Matrix>) quantize_rows(isa_, x, r0, r1, input_);
  });
  if constexpr (std::is_same_v<Matrix, Fp32Matrix>) input_ = Fp32Input{x, rows, cols};
}

template <typename Matrix>
std::span<const float> Transformer<Matrix>::prefill(int slot, std::span<const int> tokens, int start_pos) {
  const Config& c = w_.config;
  DEPLOYBENCH_CHECK(slot >= 0 && slot < max_sequences_) << "prefill: slot " << slot;
  DEPLOYBENCH_CHECK(start_pos >= 0 && !tokens.empty() && start_pos + static_cast<int>(tokens.size()) <= c.seq_len)
      << "prefill: " << tokens.size() << " tokens from position " << start_pos << ", context " << c.seq_len;
  std::vector<Step> rows;
  const int n = static_cast<int>(tokens.size());
  fetch_ = tuner_.current();
  for (int start = 0; start < n; start += kPrefillChunk) {
    const int end = std::min(n, start + kPrefillChunk);
    rows.clear();
    for (int i = start; i < end; ++i) rows.push_back(Step{slot, tokens[i], start_pos + i});
    forward(rows, end == n ? 1 : 0);
  }
  return {logits_.data(), static_cast<std::size_t>(c.vocab_size)};
}

template <typename Matrix>
std::span<const float> Transformer<Matrix>::decode(std::span<const Step> steps) {
  const int batch = static_cast<int>(steps.size());
  DEPLOYBENCH_CHECK(batch >= 1 && batch <= max_sequences_) << "decode: batch " << batch;
  for (int i = 0; i < batch; ++i) {
    DEPLOYBENCH_CHECK(steps[i].slot >= 0 && steps[i].slot < max_sequences_) << "decode: slot " << steps[i].slot;
    for (int j = 0; j < i; ++j) DEPLOYBENCH_CHECK(steps[i].slot != steps[j].slot) << "decode: duplicate slot";
  }
  const bool tune = std::is_same_v<Matrix, Fp32Matrix> && has_fetch_choice(isa_);
  fetch_ = tune ? tuner_.next() : Fetch::Ahead;
  const auto start = std::chrono::steady_clock::now();
  forward(steps, batch);
  if (tune) tuner_.record(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), batch);
  return {logits_.data(), static_cast<std::size_t>(batch) * w_.config.vocab_size};
}

template <typename Matrix>
void Transformer<Matrix>::forward(std::span<const Step> rows, int logit_rows) {
  const Config& c = w_.config;
  const int batch = static_cast<int>(rows.size());
  for (int b = 0; b < batch; ++b) {
    DEPLOYBENCH_CHECK(rows[b].token >= 0 && rows[b].token < c.vocab_size) << "token " << rows[b].token;
    DEPLOYBENCH_CHECK(rows[b].pos >= 0 && rows[b].pos < c.seq_len) << "position " << rows[b].pos;
    embed(w_.embedding, rows[b].token,
          {x_.data() + static_cast<std::size_t>(b) * c.dim, static_cast<std::size_t>(c.dim)});
  }
  for (int l = 0; l < c.n_layers; ++l) {
    attention_block(l, rows);
    ffn_block(l, batch);
  }
  if (logit_rows == 0) return;
  normalize(w_.rms_final, batch - logit_rows, logit_rows, xb2_.data());  // the last block's output
  run({{&w_.classifier, logits_.data()}});
}

template <typename Matrix>
void Transformer<Matrix>::attention_block(int l, std::span<const Step> rows) {
  const Config& c = w_.config;
  const LayerWeights<Computing>& L = w_.layers[l];
  const int batch = static_cast<int>(rows.size()), dim = c.dim;
  normalize(L.rms_att, 0, batch, l > 0 ? xb2_.data() : nullptr);  // the last layer's w2 output
  run({{&L.wq, q_.data()}, {&L.wk, k_.data()}, {&L.wv, v_.data()}});
  // forward()'s rows are one sequence's prompt (prefill) or distinct sequences (decode). Decode
  // tasks rotate and store their own heads' keys; prefill rows attend to each other's keys, so
  // every row's keys are stored before any row attends.
  const bool one_sequence = batch > 1 && rows[0].slot == rows[1].slot;
  if (one_sequence) {
    for (int b = 0; b < batch; ++b) place(l, rows[b], b);
  }
  // One task per sequence and span of its positions (attention_parts): each task streams its
  // span's rows of the cache, every head side by side, as one sequence. With several spans, their
  // outputs are merged after the run, and every span needs the rotated queries first.
  const int parts = attention_parts(batch), tasks = batch * parts;
  if (parts > 1 && !one_sequence) {
    for (int b = 0; b < batch; ++b) place(l, rows[b], b);
  }
  // A task that attends with a whole sequence also makes its output row wo's input.
  const bool own_rows = std::is_same_v<Matrix, Int8Matrix> && parts == 1;
  if constexpr (std::is_same_v<Matrix, Int8Matrix>) {
    if (own_rows) shape_input(batch, dim, w_.embedding.group, input_);
  }
  pool_.run(tasks, [&](int task) {
    const int b = task / parts;
    if (parts == 1 && !one_sequence) place(l, rows[b], b);
    if (task + 1 < tasks) prefetch_rows(l, rows[(task + 1) / parts], (task + 1) % parts, parts);
    attend(l, rows[b], b, task % parts, parts);
    if constexpr (std::is_same_v<Matrix, Int8Matrix>) {
      if (own_rows) quantize_rows(isa_, xb_.data(), b, b + 1, input_);
    }
  });
  if (parts > 1) {
    for (int b = 0; b < batch; ++b) {
      const std::size_t first = static_cast<std::size_t>(b) * parts;
      merge_attention(part_out_.data() + first * dim, part_lse_.data() + first * c.n_heads, parts, c.n_heads,
                      c.head_size(), xb_.data() + static_cast<std::size_t>(b) * dim);
    }
  }
  if (!own_rows) prepare(xb_.data(), batch, dim);
  run({{&L.wo, xb2_.data()}});
}

template <typename Matrix>
void Transformer<Matrix>::place(int l, const Step& row, int b) {
  const Config& c = w_.config;
  const int hs = c.head_size(), half = hs / 2, kv_dim = c.kv_dim();
  const float* cos = rope_cos_.data() + static_cast<std::size_t>(row.pos) * half;
  const float* sin = rope_sin_.data() + static_cast<std::size_t>(row.pos) * half;
  rotate(q_.data() + static_cast<std::size_t>(b) * c.dim, c.dim, hs, cos, sin);
  float* k = k_.data() + static_cast<std::size_t>(b) * kv_dim;
  rotate(k, kv_dim, hs, cos, sin);
  const std::size_t at = static_cast<std::size_t>(row.pos) * kv_dim;
  store(k, keys(l, row.slot) + at, kv_dim);
  store(v_.data() + static_cast<std::size_t>(b) * kv_dim, values(l, row.slot) + at, kv_dim);
}

// A pool thread runs its attention tasks in order: start the next task's key stream (its first
// rows) into L2 before this one, so it does not start cold from DRAM.
template <typename Matrix>
void Transformer<Matrix>::prefetch_rows(int l, const Step& row, int part, int parts) const {
  const std::size_t bytes = sizeof(Kv) * w_.config.kv_dim();
  const int count = row.pos + 1, t0 = count * part / parts, t1 = std::min(count * (part + 1) / parts, t0 + 8);
  const auto* k = reinterpret_cast<const char*>(keys(l, row.slot));
  for (int t = t0; t < t1; ++t) {
    for (std::size_t i = 0; i < bytes; i += 64) __builtin_prefetch(k + t * bytes + i, 0, 2);
  }
}

template <typename Matrix>
void Transformer<Matrix>::attend(int l, const Step& row, int b, int part, int parts) {
  const Config& c = w_.config;
  const int hs = c.head_size(), count = row.pos + 1, t0 = count * part / parts, t1 = count * (part + 1) / parts;
  const std::size_t kv_dim = c.kv_dim(), slot = static_cast<std::size_t>(b) * parts + part;
  AttentionSpan s;
  s.q = q_.data() + static_cast<std::size_t>(b) * c.dim;
  s.out = parts == 1 ? xb_.data() + static_cast<std::size_t>(b) * c.dim : part_out_.data() + slot * c.dim;
  s.lse = parts == 1 ? nullptr : part_lse_.data() + slot * c.n_heads;
  if (t0 == t1) {  // an empty span (fewer positions than spans) weighs nothing in the merge
    std::fill(s.out, s.out + c.dim, 0.0f);
    std::fill(s.lse, s.lse + c.n_heads, -std::numeric_limits<float>::infinity());
    return;
  }
  s.att = att_.data() + (static_cast<std::size_t>(b) * c.seq_len + t0) * c.n_heads;
  s.head_begin = 0;
  s.head_end = c.n_heads;
  s.group = c.n_heads / c.n_kv_heads;
  s.n = hs;
  s.count = t1 - t0;
  s.stride = kv_dim;
  s.scale = 1.0f / std::sqrt(static_cast<float>(hs));
  if constexpr (std::is_same_v<Kv, float>) {
    vec_.attend(s, keys(l, row.slot) + t0 * kv_dim, values(l, row.slot) + t0 * kv_dim);
  } else {
    vec_.attend_half(s, keys(l, row.slot) + t0 * kv_dim, values(l, row.slot) + t0 * kv_dim);
  }
}

template <typename Matrix>
void Transformer<Matrix>::ffn_block(int l, int batch) {
  const Config& c = w_.config;
  const LayerWeights<Computing>& L = w_.layers[l];
  normalize(L.rms_ffn, 0, batch, xb2_.data());  // the attention block's output
  // hb = silu(w1 x) * (w3 x), then w2's input (int8: quantized by the same tasks)
  if constexpr (std::is_same_v<Matrix, Int8Matrix>) {
    matmul_swiglu(pool_, isa_, L.w1, L.w3, input_, hb_.data(), hb2_.data(), &hidden_input_);
  } else {
    matmul_swiglu(pool_, isa_, L.w1, L.w3, input_, hb_.data(), hb2_.data(), fetch_);
    hidden_input_ = Fp32Input{hb_.data(), batch, c.hidden_dim};
  }
  run({{&L.w2, xb2_.data()}}, hidden_input_);
}

template <typename Matrix>
int Transformer<Matrix>::attention_parts(int batch) const {
  return std::max(1, (2 * pool_.size() + batch - 1) / batch);
}

template class Transformer<Fp32Matrix>;
template class Transformer<Int8Matrix>;

}  // namespace deploybench::engine
