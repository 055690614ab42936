// AVX-512 kernels (int8 via VNNI). Compiled with target attributes and chosen
// at run time, so the binary still runs on CPUs without AVX (see detect_isa()).
// GCC 12's avx512fintrin.h trips -Wuninitialized in its own _mm512_undefined_*
// helpers.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <cstdint>

#include "engine/kernels_impl.h"

#define DB_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,fma")))

namespace deploybench::engine::detail {
namespace {

struct Kernels {
  template <int NB>
  static DB_AVX512 void f32(const float* w, const float* x, int n, float* res) {
    __m512 a0[NB], a1[NB];
    for (int j = 0; j < NB; ++j) a0[j] = a1[j] = _mm512_setzero_ps();
    for (int i = 0; i < n; i += 32) {
      const __m512 w0 = _mm512_loadu_ps(w + i), w1 = _mm512_loadu_ps(w + i + 16);
      for (int j = 0; j < NB; ++j) {
        a0[j] = _mm512_fmadd_ps(w0, _mm512_loadu_ps(x + j * n + i), a0[j]);
        a1[j] = _mm512_fmadd_ps(w1, _mm512_loadu_ps(x + j * n + i + 16), a1[j]);
      }
    }
    for (int j = 0; j < NB; ++j) res[j] = _mm512_reduce_add_ps(_mm512_add_ps(a0[j], a1[j]));
  }

  static DB_AVX512 inline __m512 pair_scale(float even, float odd) {
    return _mm512_insertf32x8(_mm512_set1_ps(even), _mm256_set1_ps(odd), 1);
  }

  // Lanes 0-7 + 8-15, then the same tree as reduce16().
  static DB_AVX512 inline float reduce_lanes(__m512 acc) {
    const __m256 lo = _mm512_castps512_ps256(acc);
    const __m256 hi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(acc), 1));
    const __m256 v8 = _mm256_add_ps(lo, hi);
    const __m128 v4 = _mm_add_ps(_mm256_castps256_ps128(v8), _mm256_extractf128_ps(v8, 1));
    const __m128 v2 = _mm_add_ps(v4, _mm_movehl_ps(v4, v4));
    return _mm_cvtss_f32(_mm_add_ss(v2, _mm_shuffle_ps(v2, v2, 1)));
  }

  // dot(w row, input rows b0..b0+NB) for one int8 weight row. (w ^ 0x80) is w +
  // 128 as unsigned, so dpbusd gives sum((w + 128) * x) per 4 bytes; subtracting
  // the input's precomputed 128 * sum(x) leaves the exact signed sum.
  template <int NB>
  static DB_AVX512 void q8(const std::int8_t* w, const float* sw, const QuantizedInput& x, int b0, int group,
                           float* res) {
    const int n = x.cols, groups = n / group, chunks = n / 32;
    const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
    const std::int8_t* xq[NB];
    const float* xs[NB];
    const std::int32_t* xo[NB];
    __m512 acc[NB];
    for (int j = 0; j < NB; ++j) {
      xq[j] = x.q.data() + static_cast<std::size_t>(b0 + j) * n;
      xs[j] = x.scale.data() + static_cast<std::size_t>(b0 + j) * groups;
      xo[j] = x.offset.data() + static_cast<std::size_t>(b0 + j) * (n / 4);
      acc[j] = _mm512_setzero_ps();
    }
    for (int c = 0; c + 1 < chunks; c += 2) {
      const __m512i wv = _mm512_xor_si512(_mm512_loadu_si512(w + 32 * c), flip);
      const int ge = c * 32 / group, go = (c + 1) * 32 / group;
      for (int j = 0; j < NB; ++j) {
        __m512i dp = _mm512_dpbusd_epi32(_mm512_setzero_si512(), wv, _mm512_loadu_si512(xq[j] + 32 * c));
        dp = _mm512_sub_epi32(dp, _mm512_loadu_si512(xo[j] + 8 * c));
        const __m512 sc = pair_scale(sw[ge] * xs[j][ge], sw[go] * xs[j][go]);
        acc[j] = _mm512_add_ps(acc[j], _mm512_mul_ps(_mm512_cvtepi32_ps(dp), sc));
      }
    }
    if (chunks % 2 != 0) {
      const int c = chunks - 1, g = c * 32 / group;
      const __m256i wv = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 32 * c)),
                                          _mm512_castsi512_si256(flip));
      for (int j = 0; j < NB; ++j) {
        __m256i dp = _mm256_dpbusd_epi32(_mm256_setzero_si256(), wv,
                                         _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xq[j] + 32 * c)));
        dp = _mm256_sub_epi32(dp, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xo[j] + 8 * c)));
        const __m256 f = _mm256_mul_ps(_mm256_cvtepi32_ps(dp), _mm256_set1_ps(sw[g] * xs[j][g]));
        acc[j] = _mm512_mask_add_ps(acc[j], 0x00FF, acc[j], _mm512_castps256_ps512(f));
      }
    }
    for (int j = 0; j < NB; ++j) res[j] = reduce_lanes(acc[j]);
  }
};

}  // namespace

DB_AVX512 float dot_avx512(const float* a, const float* b, int n) {
  __m512 acc = _mm512_setzero_ps();
  int i = 0;
  for (; i + 16 <= n; i += 16) acc = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), acc);
  if (i < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1);
    acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i), acc);
  }
  return _mm512_reduce_add_ps(acc);
}

DB_AVX512 void axpy_avx512(float a, const float* x, float* y, int n) {
  const __m512 av = _mm512_set1_ps(a);
  int i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(y + i, _mm512_fmadd_ps(av, _mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i)));
  if (i < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1);
    _mm512_mask_storeu_ps(y + i, m,
                          _mm512_fmadd_ps(av, _mm512_maskz_loadu_ps(m, x + i), _mm512_maskz_loadu_ps(m, y + i)));
  }
}

void f32_rows_avx512(const Fp32Matrix& w, const Fp32Input& x, float* out, int r0, int r1) {
  f32_rows_blocked<Kernels>(w, x, out, r0, r1);
}

void q8_rows_avx512(const Int8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1) {
  q8_rows_blocked<Kernels>(w, x, out, r0, r1);
}

}  // namespace deploybench::engine::detail
