#pragma once
// Per-ISA row kernels behind kernels.h (internal to lib/engine).
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "engine/matrix.h"

namespace deploybench::engine::detail {

using F32Rows = void (*)(const Fp32Matrix& w, const Fp32Input& x, float* out, int r0, int r1);
using Q8Rows = void (*)(const Int8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1);

void f32_rows_portable(const Fp32Matrix& w, const Fp32Input& x, float* out, int r0, int r1);
void q8_rows_portable(const Int8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1);
/// fma(a, b, c) with one rounding, without the FMA instruction (exact for finite inputs).
float fused_multiply_add(float a, float b, float c);
void f32_rows_avx2(const Fp32Matrix& w, const Fp32Input& x, float* out, int r0, int r1);
void q8_rows_avx2(const Int8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1);
void f32_rows_avx512(const Fp32Matrix& w, const Fp32Input& x, float* out, int r0, int r1);
void q8_rows_avx512(const Int8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1);

float dot_portable(const float* a, const float* b, int n);
void axpy_portable(float a, const float* x, float* y, int n);
float dot_avx2(const float* a, const float* b, int n);
void axpy_avx2(float a, const float* x, float* y, int n);
float dot_avx512(const float* a, const float* b, int n);
void axpy_avx512(float a, const float* x, float* y, int n);
void scores_avx512(const float* q, const float* k, std::size_t stride, int count, int n, float scale, float* out);
void mix_avx512(const float* a, const float* v, std::size_t stride, int count, int n, float* out);

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

/// The scale of 32-value chunk `chunk` of a row: weight group scale times input
/// group scale.
inline float chunk_scale(const float* sw, const float* sx, int chunk, int group) {
  const int g = chunk * 32 / group;
  return sw[g] * sx[g];
}

/// The fixed reduction tree of the 16 int8 accumulator lanes (see kernels.h).
inline float reduce16(const float* lanes) {
  float v[8];
  for (int i = 0; i < 8; ++i) v[i] = lanes[i] + lanes[i + 8];
  for (int i = 0; i < 4; ++i) v[i] = v[i] + v[i + 4];
  for (int i = 0; i < 2; ++i) v[i] = v[i] + v[i + 2];
  return v[0] + v[1];
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
    switch (nb) {
      case 4:
        block(std::integral_constant<int, 4>{}, b0, res);
        break;
      case 3:
        block(std::integral_constant<int, 3>{}, b0, res);
        break;
      case 2:
        block(std::integral_constant<int, 2>{}, b0, res);
        break;
      default:
        block(std::integral_constant<int, 1>{}, b0, res);
        break;
    }
    for (int j = 0; j < nb; ++j) out[static_cast<std::size_t>(b0 + j) * out_rows + r] = res[j];
  }
}

/// The row loops shared by the vector paths. `Kernel` provides the blocked dot products:
/// Kernel::f32<NB>(w_row, x_rows, n, res) and Kernel::q8<NB>(w_row, w_scales, x, b0, group, res).
template <typename Kernel>
void f32_rows_blocked(const Fp32Matrix& w, const Fp32Input& x, float* out, int r0, int r1) {
  const int n = w.cols;
  for (int r = r0; r < r1; ++r) {
    const float* wr = w.data + static_cast<std::size_t>(r) * n;
    for_blocks(x.rows, r, w.rows, out, [&](auto nb, int b0, float* res) {
      Kernel::template f32<decltype(nb)::value>(wr, x.data + static_cast<std::size_t>(b0) * n, n, res);
    });
  }
}

template <typename Kernel>
void q8_rows_blocked(const Int8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1) {
  const int n = w.cols, groups = n / w.group;
  for (int r = r0; r < r1; ++r) {
    const std::int8_t* wr = w.q + static_cast<std::size_t>(r) * n;
    const float* sw = w.scale + static_cast<std::size_t>(r) * groups;
    for_blocks(x.rows, r, w.rows, out, [&](auto nb, int b0, float* res) {
      Kernel::template q8<decltype(nb)::value>(wr, sw, x, b0, w.group, res);
    });
  }
}

}  // namespace deploybench::engine::detail
