#pragma once
// The llama-architecture forward pass over a batch of (slot, token, position)
// rows, one template over the weight matrix type (internal to lib/engine; the
// public interface is model.h).
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include "engine/fetch_tuner.h"
#include "engine/kernels.h"
#include "engine/model.h"
#include "engine/thread_pool.h"
#include "engine/weights.h"

namespace deploybench::engine {

template <typename Matrix>
using InputFor = std::conditional_t<std::is_same_v<Matrix, Int8Matrix>, QuantizedInput, Fp32Input>;

/// The matrix type a model computes with: int8 weights are repacked for the kernels when the
/// model is built (pack.h), fp32 ones are used as loaded.
template <typename Matrix>
struct Computed {
  using type = Matrix;
};
template <>
struct Computed<Int8Matrix> {
  using type = PackedInt8Matrix;
};

/// A KV-cache element: IEEE half (half.h) for int8 models, as llama.cpp's default f16 cache,
/// halving the bytes attention streams per step; fp32 models keep fp32 (their forward pass is
/// checked against a scalar fp32 reference).
template <typename Matrix>
using KvElement = std::conditional_t<std::is_same_v<Matrix, Int8Matrix>, std::uint16_t, float>;

template <typename Matrix>
class Transformer final : public Model {
  using Computing = typename Computed<Matrix>::type;
  using Kv = KvElement<Matrix>;

 public:
  /// `isa` selects the kernel path (detect_isa() in production; tests force
  /// each path). Int8 weights are packed here, and `weights`' own storage released.
  Transformer(Weights<Matrix> weights, const ModelOptions& options, bool synthetic, Isa isa);

  const Config& config() const override { return w_.config; }
  Precision precision() const override;
  bool synthetic() const override { return synthetic_; }
  std::string description() const override;
  int max_sequences() const override { return max_sequences_; }
  int threads() const override { return pool_.size(); }
  std::size_t decode_weight_bytes() const override;
  std::size_t kv_bytes_at(int pos) const override;
  std::span<const float> prefill(int slot, std::span<const int> tokens, int start = 0) override;
  std::span<const float> decode(std::span<const Step> steps) override;
  ThreadPool& pool() override { return pool_; }
  FetchChoice fetch_choice() const override;

  const Weights<Computing>& weights() const { return w_; }

 private:
  // Runs every row through the network; computes logits for the last
  // `logit_rows` rows.
  void forward(std::span<const Step> rows, int logit_rows);
  void attention_block(int layer, std::span<const Step> rows);
  void ffn_block(int layer, int rows);
  // Rotates row b's queries and keys to its position and stores its keys and values there in the
  // cache.
  void place(int layer, const Step& row, int b);
  // Row b's attention over span `part` of `parts` of its positions: its output (xb_, or with
  // several spans part_out_ and part_lse_, merged after).
  void attend(int layer, const Step& row, int b, int part, int parts);
  void prefetch_rows(int layer, const Step& row, int part, int parts) const;
  // Makes rows x cols activations at x the matmul input (int8: quantized).
  void prepare(const float* x, int rows, int cols);
  // prepare() of xb_ = rmsnorm(x_ rows [first, first + rows)) with `weight`, after adding
  // `residual` (the last block's output, same rows; null for none) to those rows of x_.
  void normalize(const float* weight, int first, int rows, const float* residual);
  // prepare(), running before(r0, r1) on each block of rows first, in parallel over the pool.
  template <typename Before>
  void prepare_rows(const float* x, int rows, int cols, Before&& before);
  template <std::size_t N>
  void run(const MatJob<Computing> (&jobs)[N], const InputFor<Matrix>& input) {
    if constexpr (std::is_same_v<Matrix, Fp32Matrix>) {
      matmul(pool_, isa_, std::span<const MatJob<Computing>>(jobs, N), input, fetch_);
    } else {
      matmul(pool_, isa_, std::span<const MatJob<Computing>>(jobs, N), input);
    }
  }
  template <std::size_t N>
  void run(const MatJob<Computing> (&jobs)[N]) {
    run(jobs, input_);
  }
  // Attention tasks per sequence: whole sequences when there are enough of them, split into
  // spans of positions otherwise so every thread has work (each task still reads whole rows).
  int attention_parts(int batch) const;
  // One sequence's cached keys (values) of a layer: seq_len x kv_dim elements.
  Kv* keys(int layer, int slot) const;
  Kv* values(int layer, int slot) const;
  // Stores n floats from x at `to` (rounded to halves for a half cache).
  void store(const float* x, Kv* to, int n) const;
  std::size_t cache_offset(int layer, int slot) const;

  Weights<Computing> w_;
  bool synthetic_;
  Isa isa_;
  VectorOps vec_;
  int max_sequences_;
  int max_rows_;  // rows per forward: max(max_sequences, prefill chunk)
  std::string label_;
  ThreadPool pool_;
  // Activations, rows x width (see forward()).
  std::vector<float> x_, xb_, xb2_, q_, k_, v_, hb_, hb2_, att_, logits_;
  std::vector<float> part_out_, part_lse_;  // per (row, span): attention output, per head log-sum-exp
  InputFor<Matrix> input_;
  InputFor<Matrix> hidden_input_;           // w2's input: the SwiGLU output, quantized by its own tasks
  std::vector<float> rope_cos_, rope_sin_;  // seq_len x head_size/2
  // KV cache, [layer][slot][pos][kv_dim]: a sequence's attention reads its positions' rows, every
  // kv head side by side, as one stream (AttentionSpan); untouched until used (see the
  // constructor for the page size).
  std::shared_ptr<void> key_memory_, value_memory_;
  // fp32: how the kernels fetch weights in this forward pass, chosen by the tuner from the
  // decode steps' times (fetch_tuner.h).
  Fetch fetch_ = Fetch::Ahead;
  FetchTuner tuner_;
};

extern template class Transformer<Fp32Matrix>;
extern template class Transformer<Int8Matrix>;

}  // namespace deploybench::engine
