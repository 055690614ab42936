#pragma once
// Per-ISA row kernels behind kernels.h (internal to lib/engine).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "engine/half.h"
#include "engine/kernels.h"
#include "engine/matrix.h"

namespace deploybench::engine::detail {

using F32Rows = void (*)(const Fp32Matrix& w, const Fp32Input& x, float* out, int r0, int r1);
/// Rows [r0, r1) of a packed int8 matrix against every input row; r0 is a multiple of 16 (a
/// block start) and r1 a multiple of 16 or w.rows.
using Q8Rows = void (*)(const PackedInt8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1);

/// gate[i] = silu(gate[i]) * up[i] = gate[i] / (1 + e^-gate[i]) * up[i] for i < n (SwiGLU).
using Swiglu = void (*)(float* gate, const float* up, int n);
void swiglu_portable(float* gate, const float* up, int n);
void swiglu_avx512(float* gate, const float* up, int n);

/// quantize_input_groups (kernels.h) for groups of a multiple of 16 values.
void quantize_groups_avx512(const float* x, std::size_t first, std::size_t last, QuantizedInput& out);

void f32_rows_portable(const Fp32Matrix& w, const Fp32Input& x, float* out, int r0, int r1);
void q8_rows_portable(const PackedInt8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1);
/// fma(a, b, c) with one rounding, without the FMA instruction (exact for finite inputs).
float fused_multiply_add(float a, float b, float c);
void f32_rows_avx2(const Fp32Matrix& w, const Fp32Input& x, float* out, int r0, int r1);
void q8_rows_avx2(const PackedInt8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1);
void f32_rows_avx512(const Fp32Matrix& w, const Fp32Input& x, float* out, int r0, int r1);
/// f32_rows_avx512 without software prefetch (Fetch::Hardware): the same results.
void f32_rows_avx512_hardware(const Fp32Matrix& w, const Fp32Input& x, float* out, int r0, int r1);
void q8_rows_avx512(const PackedInt8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1);

float dot_portable(const float* a, const float* b, int n);
void axpy_portable(float a, const float* x, float* y, int n);
float dot_avx2(const float* a, const float* b, int n);
void axpy_avx2(float a, const float* x, float* y, int n);
float dot_avx512(const float* a, const float* b, int n);
void axpy_avx512(float a, const float* x, float* y, int n);
void scores_avx512(const float* q, const float* k, std::size_t stride, int count, int n, float scale, float* out);
void mix_avx512(const float* a, const float* v, std::size_t stride, int count, int n, float* out);
void to_half_avx512(const float* x, std::uint16_t* out, int n);
void scores_half_avx512(const float* q, const std::uint16_t* k, std::size_t stride, int count, int n, float scale,
                        float* out);
void mix_half_avx512(const float* a, const std::uint16_t* v, std::size_t stride, int count, int n, float* out);
void attend_avx512(const AttentionSpan& s, const float* k, const float* v);
void attend_half_avx512(const AttentionSpan& s, const std::uint16_t* k, const std::uint16_t* v);

/// In place over n scores: x = e^(x - max) / sum; *lse = log of the sum of e^x when lse is set.
inline void softmax(float* x, int n, float* lse = nullptr) {
  float max = x[0];
  for (int i = 1; i < n; ++i) max = x[i] > max ? x[i] : max;
  float sum = 0.0f;
  for (int i = 0; i < n; ++i) {
    x[i] = std::exp(x[i] - max);
    sum += x[i];
  }
  for (int i = 0; i < n; ++i) x[i] /= sum;
  if (lse) *lse = max + std::log(sum);
}

/// VectorOps::attend of paths without their own: one head at a time, by the path's scores and mix.
template <typename T, auto Scores, auto Mix>
void attend_by_heads(const AttentionSpan& s, const T* k, const T* v) {
  for (int h = s.head_begin; h < s.head_end; ++h) {
    const std::size_t kv = static_cast<std::size_t>(h / s.group) * s.n;
    float* att = s.att + static_cast<std::size_t>(h - s.head_begin) * s.count;
    Scores(s.q + h * s.n, k + kv, s.stride, s.count, s.n, s.scale, att);
    softmax(att, s.count, s.lse ? s.lse + (h - s.head_begin) : nullptr);
    Mix(att, v + kv, s.stride, s.count, s.n, s.out + h * s.n);
  }
}

/// VectorOps::scores and ::mix composed from a path's dot and axpy (paths without their own).
template <float (*Dot)(const float*, const float*, int)>
void scores_by_dot(const float* q, const float* k, std::size_t stride, int count, int n, float scale, float* out) {
  for (int t = 0; t < count; ++t) out[t] = Dot(q, k + t * stride, n) * scale;
}
template <void (*Axpy)(float, const float*, float*, int)>
void mix_by_axpy(const float* a, const float* v, std::size_t stride, int count, int n, float* out) {
  for (int i = 0; i < n; ++i) out[i] = 0.0f;
  for (int t = 0; t < count; ++t) Axpy(a[t], v + t * stride, out, n);
}

/// The half-cache helpers of paths without their own: halves converted (half.h) a chunk at a
/// time into floats for the path's dot and axpy.
inline void to_half_by_conversion(const float* x, std::uint16_t* out, int n) {
  for (int i = 0; i < n; ++i) out[i] = float_to_half(x[i]);
}
constexpr int kHalfChunk = 256;
inline int floats_of_halves(const std::uint16_t* h, int n, float* row) {
  const int len = n < kHalfChunk ? n : kHalfChunk;
  for (int i = 0; i < len; ++i) row[i] = half_to_float(h[i]);
  return len;
}
template <float (*Dot)(const float*, const float*, int)>
void scores_half_by_dot(const float* q, const std::uint16_t* k, std::size_t stride, int count, int n, float scale,
                        float* out) {
  float row[kHalfChunk];
  for (int t = 0; t < count; ++t) {
    float sum = 0.0f;
    for (int i = 0; i < n; i += kHalfChunk) sum += Dot(q + i, row, floats_of_halves(k + t * stride + i, n - i, row));
    out[t] = sum * scale;
  }
}
template <void (*Axpy)(float, const float*, float*, int)>
void mix_half_by_axpy(const float* a, const std::uint16_t* v, std::size_t stride, int count, int n, float* out) {
  float row[kHalfChunk];
  for (int i = 0; i < n; ++i) out[i] = 0.0f;
  for (int t = 0; t < count; ++t) {
    for (int i = 0; i < n; i += kHalfChunk) Axpy(a[t], row, out + i, floats_of_halves(v + t * stride + i, n - i, row));
  }
}

/// Calls f(std::integral_constant<int, n>) for 1 <= n <= Max (a run-time count as a template
/// argument, so kernels keep their per-input accumulators in registers).
template <int Max, typename F>
inline void dispatch_count(int n, F&& f) {
  if constexpr (Max > 1) {
    if (n < Max) return dispatch_count<Max - 1>(n, f);
  }
  f(std::integral_constant<int, Max>{});
}

/// The packed int8 kernels' block loop: for each 16-row block from r0 (a block start) below r1,
/// and each run of up to kMaxInputs input rows from b0, calls block(nb, base, r, b0, store): nb an
/// integral_constant count of inputs, base the block's bytes, r its first row, store how many
/// of its rows to write (16, or fewer at r1).
template <int kMaxInputs, typename Block>
inline void for_packed_blocks(const PackedInt8Matrix& w, int batch, int r0, int r1, Block&& block) {
  constexpr int kRows = PackedInt8Matrix::kBlockRows;
  for (int r = r0; r < r1; r += kRows) {
    const std::byte* base = w.data + static_cast<std::size_t>(r / kRows) * w.block_bytes();
    const int store = r1 - r < kRows ? r1 - r : kRows;
    for (int b0 = 0; b0 < batch; b0 += kMaxInputs) {
      const int nb = batch - b0 < kMaxInputs ? batch - b0 : kMaxInputs;
      dispatch_count<kMaxInputs>(nb, [&](auto n) { block(n, base, r, b0, store); });
    }
  }
}

// Input rows per weight-row pass: each loaded weight vector is reused this many
// times.
constexpr int kBlock = 4;

// Runs `block<NB>(row, b0, res)` over input rows in blocks of kBlock and
// scatters the results.
template <typename Block>
inline void for_blocks(int batch, int r, int out_rows, float* out, Block&& block) {
  float res[kBlock];
  for (int b0 = 0; b0 < batch; b0 += kBlock) {
    const int nb = batch - b0 < kBlock ? batch - b0 : kBlock;
    dispatch_count<kBlock>(nb, [&](auto n) { block(n, b0, res); });
    for (int j = 0; j < nb; ++j) out[static_cast<std::size_t>(b0 + j) * out_rows + r] = res[j];
  }
}

/// Rows [r0, r1) of w (n columns) against NB input rows x: the row loop of a vector path's
/// Kernel::f32_rows<NB>, which carries its instruction set's target attribute, so Kernel::f32<NB>
/// inlines here. A call per row (through a lambda, which cannot inline it) decoded base fp32
/// batch 1 ~1.5% slower (session 7, paired in-process runs, 4 of 4 above 1.007x; A/A 1.002x).
template <typename Kernel, int NB>
[[gnu::always_inline]] inline void f32_row_loop(const float* w, int n, int r0, int r1, const float* x, float* out,
                                                int out_rows) {
  for (int r = r0; r < r1; ++r) {
    float res[NB];
    Kernel::template f32<NB>(w + static_cast<std::size_t>(r) * n, x, n, res);
    for (int j = 0; j < NB; ++j) out[static_cast<std::size_t>(j) * out_rows + r] = res[j];
  }
}

/// The fp32 row loop shared by the vector paths. `Kernel` provides the blocked dot products:
/// Kernel::f32<NB>(w_row, x_rows, n, res), and Kernel::f32_rows<NB> (f32_row_loop).
template <typename Kernel>
void f32_rows_blocked(const Fp32Matrix& w, const Fp32Input& x, float* out, int r0, int r1) {
  const int n = w.cols;
  if (x.rows <= kBlock) {  // decode of up to kBlock sequences: one kernel call for all the rows
    dispatch_count<kBlock>(x.rows, [&](auto nb) {
      Kernel::template f32_rows<decltype(nb)::value>(w.data, n, r0, r1, x.data, out, w.rows);
    });
    return;
  }
  // More inputs: every row against each block of them in turn, so a row is read from memory once.
  for (int r = r0; r < r1; ++r) {
    const float* wr = w.data + static_cast<std::size_t>(r) * n;
    for_blocks(x.rows, r, w.rows, out, [&](auto nb, int b0, float* res) {
      Kernel::template f32<decltype(nb)::value>(wr, x.data + static_cast<std::size_t>(b0) * n, n, res);
    });
  }
}

}  // namespace deploybench::engine::detail
