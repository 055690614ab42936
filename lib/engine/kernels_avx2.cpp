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
  static DB_AVX2 void f32_rows(const float* w, int n, int r0, int r1, const float* x, float* out, int out_rows) {
    f32_row_loop<Kernels, NB>(w, n, r0, r1, x, out, out_rows);
  }
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

  static DB_AVX2 inline __m256i broadcast4(const std::int8_t* p) {
    std::int32_t v;
    __builtin_memcpy(&v, p, sizeof v);
    return _mm256_set1_epi32(v);
  }

  // Rows 8h..8h+7 of a 16-row packed block (bytes 32h..32h+31 of each step) against NB input
  // rows from b0: the same exact int32 group sums as the AVX-512 path (signed weights here, so
  // no -128 * sum(x) start), then acc = fma(float(sum), weight scale * input scale, acc).
  template <int NB>
  static DB_AVX2 void q8_half(const PackedInt8Matrix& w, const QuantizedInput& x, const std::byte* base, int h, int r,
                              int b0, int store, float* out) {
    const int groups = w.cols / w.group, steps = w.group / 4;
    const __m256i flip = _mm256_set1_epi8(static_cast<char>(0x80));
    const std::int8_t* xq = x.q.data() + static_cast<std::size_t>(b0) * w.cols;
    const float* xs = x.scale.data() + static_cast<std::size_t>(b0) * groups;
    __m256 acc[NB];
    for (int j = 0; j < NB; ++j) acc[j] = _mm256_setzero_ps();
    for (int g = 0; g < groups; ++g) {
      const std::byte* gp = base + g * w.group_bytes();
      const std::int8_t* xg = xq + g * w.group;
      __m256i sum[NB];
      for (int j = 0; j < NB; ++j) sum[j] = _mm256_setzero_si256();
      for (int s = 0; s < steps; ++s) {
        const __m256i wv =
            _mm256_xor_si256(_mm256_load_si256(reinterpret_cast<const __m256i*>(gp + 64 + 64 * s + 32 * h)), flip);
        const __m256i aw = _mm256_abs_epi8(wv);
        for (int j = 0; j < NB; ++j)
          sum[j] = _mm256_add_epi32(sum[j], dot4(aw, wv, broadcast4(xg + j * w.cols + 4 * s)));
      }
      const __m256 ws = _mm256_load_ps(reinterpret_cast<const float*>(gp) + 8 * h);
      for (int j = 0; j < NB; ++j) {
        const __m256 scale = _mm256_mul_ps(ws, _mm256_set1_ps(xs[j * groups + g]));
        acc[j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sum[j]), scale, acc[j]);
      }
    }
    const int n = store - 8 * h;
    for (int j = 0; j < NB; ++j) {
      float* o = out + static_cast<std::size_t>(b0 + j) * w.rows + r + 8 * h;
      if (n >= 8) {
        _mm256_storeu_ps(o, acc[j]);
      } else {
        alignas(32) float lanes[8];
        _mm256_store_ps(lanes, acc[j]);
        for (int i = 0; i < n; ++i) o[i] = lanes[i];
      }
    }
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

void q8_rows_avx2(const PackedInt8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1) {
  for_packed_blocks<4>(w, x.rows, r0, r1, [&](auto nb, const std::byte* base, int r, int b0, int store) {
    for (int h = 0; h * 8 < store; ++h) Kernels::q8_half<decltype(nb)::value>(w, x, base, h, r, b0, store, out);
  });
}

}  // namespace deploybench::engine::detail
