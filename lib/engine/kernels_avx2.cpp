// AVX2 kernels, for x86-64 CPUs without AVX-512 VNNI. Chosen at run time
// (detect_isa()).
#include <immintrin.h>

#include <cstdint>

#include "engine/kernels_impl.h"

#define DB_AVX2 __attribute__((target("avx2,fma")))

namespace deploybench::engine::detail {
namespace {

DB_AVX2 inline float hsum(__m256 v) {
  const __m128 v4 = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 v2 = _mm_add_ps(v4, _mm_movehl_ps(v4, v4));
  return _mm_cvtss_f32(_mm_add_ss(v2, _mm_shuffle_ps(v2, v2, 1)));
}

struct Kernels {
  template <int NB>
  static DB_AVX2 void f32(const float* w, const float* x, int n, float* res) {
    __m256 a0[NB], a1[NB];
    for (int j = 0; j < NB; ++j) a0[j] = a1[j] = _mm256_setzero_ps();
    for (int i = 0; i < n; i += 16) {
      const __m256 w0 = _mm256_loadu_ps(w + i), w1 = _mm256_loadu_ps(w + i + 8);
      for (int j = 0; j < NB; ++j) {
        a0[j] = _mm256_fmadd_ps(w0, _mm256_loadu_ps(x + j * n + i), a0[j]);
        a1[j] = _mm256_fmadd_ps(w1, _mm256_loadu_ps(x + j * n + i + 8), a1[j]);
      }
    }
    for (int j = 0; j < NB; ++j) res[j] = hsum(_mm256_add_ps(a0[j], a1[j]));
  }

  // Exact int32 sums of 4 products in 8 lanes: |w| (unsigned) times x with w's
  // sign, so maddubs's int16 pair sums stay below 2 * 128 * 127 and never
  // saturate.
  static DB_AVX2 inline __m256i dot4(__m256i abs_w, __m256i w, __m256i x) {
    const __m256i pairs = _mm256_maddubs_epi16(abs_w, _mm256_sign_epi8(x, w));
    return _mm256_madd_epi16(pairs, _mm256_set1_epi16(1));
  }

  template <int NB>
  static DB_AVX2 void q8(const std::int8_t* w, const float* sw, const QuantizedInput& x, int b0, int group,
                         float* res) {
    const int n = x.cols, chunks = n / 32;
    const std::int8_t* xq[NB];
    const float* xl[NB];
    __m256 lo[NB], hi[NB];
    for (int j = 0; j < NB; ++j) {
      xq[j] = x.q.data() + static_cast<std::size_t>(b0 + j) * n;
      xl[j] = x.lane_scale.data() + static_cast<std::size_t>(b0 + j) * (n / 4);
      lo[j] = hi[j] = _mm256_setzero_ps();
    }
    for (int c = 0; c < chunks; c += 2) {
      const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 32 * c));
      const __m256i a0 = _mm256_abs_epi8(w0);
      const __m256 ws0 = _mm256_set1_ps(sw[c * 32 / group]);
      for (int j = 0; j < NB; ++j) {
        const __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xq[j] + 32 * c));
        const __m256 s = _mm256_mul_ps(ws0, _mm256_loadu_ps(xl[j] + 8 * c));
        lo[j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot4(a0, w0, x0)), s, lo[j]);
      }
      if (c + 1 == chunks) break;
      const __m256i w1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 32 * c + 32));
      const __m256i a1 = _mm256_abs_epi8(w1);
      const __m256 ws1 = _mm256_set1_ps(sw[(c + 1) * 32 / group]);
      for (int j = 0; j < NB; ++j) {
        const __m256i x1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xq[j] + 32 * c + 32));
        const __m256 s = _mm256_mul_ps(ws1, _mm256_loadu_ps(xl[j] + 8 * c + 8));
        hi[j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(dot4(a1, w1, x1)), s, hi[j]);
      }
    }
    // Lanes i + (i + 8) first, then the shared tree (reduce16()).
    for (int j = 0; j < NB; ++j) res[j] = hsum(_mm256_add_ps(lo[j], hi[j]));
  }
};

}  // namespace

DB_AVX2 float dot_avx2(const float* a, const float* b, int n) {
  __m256 acc = _mm256_setzero_ps();
  int i = 0;
  for (; i + 8 <= n; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc);
  float sum = hsum(acc);
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

DB_AVX2 void axpy_avx2(float a, const float* x, float* y, int n) {
  const __m256 av = _mm256_set1_ps(a);
  int i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(y + i, _mm256_fmadd_ps(av, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
  for (; i < n; ++i) y[i] += a * x[i];
}

void f32_rows_avx2(const Fp32Matrix& w, const Fp32Input& x, float* out, int r0, int r1) {
  f32_rows_blocked<Kernels>(w, x, out, r0, r1);
}

void q8_rows_avx2(const Int8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1) {
  q8_rows_blocked<Kernels>(w, x, out, r0, r1);
}

}  // namespace deploybench::engine::detail
