#pragma once
// Matrix kernels, one name overloaded by weight type (no copy-fork of the model
// per precision). out is batch-major: out[b * w.rows + r] = dot(row r of w,
// input row b).
//
// int8 weights are packed (PackedInt8Matrix, pack.h) and results are bit-identical
// on every ISA path: for each output, each path computes the exact int32 dot
// product of every group, converts it to float and accumulates the groups in
// order as acc = fma(sum, weight scale * input scale, acc), one rounding each.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "engine/matrix.h"

namespace deploybench::engine {

class ThreadPool;

/// Instruction-set path for the kernels, detected at run time.
enum class Isa { Portable, Avx2, Avx512Vnni };
std::string_view to_string(Isa isa);
/// The best path this CPU supports.
Isa detect_isa();

/// How the fp32 kernels bring weights in from memory. `Ahead`: software prefetch 2 KiB ahead
/// into L2; `Hardware`: the hardware prefetchers alone. Which streams faster depends on the host
/// and its moment (FetchTuner, fetch_tuner.h, chooses while decoding); the results are the same.
/// Paths without the choice (has_fetch_choice) ignore it.
enum class Fetch { Ahead, Hardware };
bool has_fetch_choice(Isa isa);

/// One matrix of a fused matmul: all jobs in a call share the same input.
template <typename Matrix>
struct MatJob {
  const Matrix* w = nullptr;
  float* out = nullptr;  // input.rows x w->rows
};

/// Computes every job over all input rows, splitting weight rows across the
/// pool so each weight row is read once per call whatever the batch size.
void matmul(ThreadPool& pool, Isa isa, std::span<const MatJob<Fp32Matrix>> jobs, const Fp32Input& x,
            Fetch fetch = Fetch::Ahead);
void matmul(ThreadPool& pool, Isa isa, std::span<const MatJob<PackedInt8Matrix>> jobs, const QuantizedInput& x);

/// The SwiGLU feed-forward input: gate = silu(w1 x) * (w3 x), batch-major (x.rows x w1.rows),
/// each task applying the activation to its own rows (no serial pass). `up` is scratch of the
/// same shape.
void matmul_swiglu(ThreadPool& pool, Isa isa, const Fp32Matrix& w1, const Fp32Matrix& w3, const Fp32Input& x,
                   float* gate, float* up, Fetch fetch = Fetch::Ahead);
/// The int8 one can also quantize gate into `quantized` (the next matmul's input; shaped here),
/// each task its own columns' groups, so no separate pass over the pool is needed.
void matmul_swiglu(ThreadPool& pool, Isa isa, const PackedInt8Matrix& w1, const PackedInt8Matrix& w3,
                   const QuantizedInput& x, float* gate, float* up, QuantizedInput* quantized = nullptr);

/// quantize_input_rows (quantize.h) on the ISA path: rows [r0, r1) of x into `out` (already shaped
/// by shape_input), with exactly the values, scales and sums of the portable code on every path.
void quantize_rows(Isa isa, const float* x, int r0, int r1, QuantizedInput& out);
/// The same for groups [first, last) of x (quantize_input_groups, quantize.h).
void quantize_input_groups(Isa isa, const float* x, std::size_t first, std::size_t last, QuantizedInput& out);

/// Single-threaded row-range kernels (rows [r0, r1) of w against every input
/// row): the units the pool runs, exposed for tests and microbenchmarks. For
/// packed int8, r0 is a multiple of 16 and r1 a multiple of 16 or w.rows.
void matmul_rows(Isa isa, const Fp32Matrix& w, const Fp32Input& x, float* out, int r0, int r1,
                 Fetch fetch = Fetch::Ahead);
void matmul_rows(Isa isa, const PackedInt8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1);

/// One sequence's attention for query heads [head_begin, head_end) over its cached positions
/// 0..count-1. The cache holds one row per position, `stride` elements apart, with every kv
/// head's n elements side by side (kv head j at row + j * n); query head h reads kv head
/// h / group.
struct AttentionSpan {
  const float* q = nullptr;  // the sequence's queries: head h at q + h * n
  float* out = nullptr;      // its attention output: head h at out + h * n
  float* att = nullptr;      // scratch, (head_end - head_begin) x count floats: the softmax weights
  // When set, per head from head_begin: log of the sum of e^score over the span, so spans of one
  // sequence's positions attended separately can be merged (merge_attention).
  float* lse = nullptr;
  int head_begin = 0, head_end = 0;
  int group = 1;  // query heads per kv head
  int n = 0;      // head size
  int count = 0;  // cached positions attended to
  std::size_t stride = 0;
  float scale = 1.0f;  // scores = q . k * scale
};

/// Float vector helpers for attention over head-sized rows of the KV cache.
struct VectorOps {
  float (*dot)(const float* a, const float* b, int n);
  void (*axpy)(float a, const float* x, float* y, int n);  // y += a * x
  /// out[t] = dot(q, k + t * stride) * scale for t in [0, count): one head's attention scores
  /// over `count` cached keys of n floats, `stride` floats apart.
  void (*scores)(const float* q, const float* k, std::size_t stride, int count, int n, float scale, float* out);
  /// out = sum over t in [0, count) of a[t] * (v + t * stride), n floats (out is overwritten).
  void (*mix)(const float* a, const float* v, std::size_t stride, int count, int n, float* out);
  /// The same over a KV cache of IEEE halves (half.h; int8 models): to_half stores n floats
  /// rounded to nearest even (identical bits on every path), scores_half and mix_half read keys
  /// (values) as halves, `stride` halves apart.
  void (*to_half)(const float* x, std::uint16_t* out, int n);
  void (*scores_half)(const float* q, const std::uint16_t* k, std::size_t stride, int count, int n, float scale,
                      float* out);
  void (*mix_half)(const float* a, const std::uint16_t* v, std::size_t stride, int count, int n, float* out);
  /// Softmax attention of one sequence (AttentionSpan) over keys k and values v (each pointing at
  /// row 0, kv head 0): fp32 and half caches.
  void (*attend)(const AttentionSpan& s, const float* k, const float* v);
  void (*attend_half)(const AttentionSpan& s, const std::uint16_t* k, const std::uint16_t* v);
};
VectorOps vector_ops(Isa isa);

/// Merges `parts` attentions of one sequence over consecutive spans of its positions (each with
/// its AttentionSpan::lse) into out: per head, the spans' outputs weighted by e^lse / sum of e^lse.
/// outs: parts x (heads x n) floats; lses: parts x heads.
void merge_attention(const float* outs, const float* lses, int parts, int heads, int n, float* out);

}  // namespace deploybench::engine
