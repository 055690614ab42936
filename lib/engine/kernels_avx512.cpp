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
      // Weights stream from DRAM in decode: fetch 2 KiB ahead (rows are contiguous, so this runs
      // into the next row), as the hardware prefetcher alone leaves the stream latency-bound.
      // Into L2 (T1): ~10% faster at batch 1 than into L1 (T0) or 4 KiB ahead, on Zen 4.
      _mm_prefetch(reinterpret_cast<const char*>(w + i + 512), _MM_HINT_T1);
      _mm_prefetch(reinterpret_cast<const char*>(w + i + 528), _MM_HINT_T1);
      const __m512 w0 = _mm512_loadu_ps(w + i), w1 = _mm512_loadu_ps(w + i + 16);
      for (int j = 0; j < NB; ++j) {
        a0[j] = _mm512_fmadd_ps(w0, _mm512_loadu_ps(x + j * n + i), a0[j]);
        a1[j] = _mm512_fmadd_ps(w1, _mm512_loadu_ps(x + j * n + i + 16), a1[j]);
      }
    }
    for (int j = 0; j < NB; ++j) res[j] = _mm512_reduce_add_ps(_mm512_add_ps(a0[j], a1[j]));
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

  // Weight scales for chunks c and c + 1 (lanes 0-7 and 8-15); `shift` is log2(group / 32).
  static DB_AVX512 inline __m512 weight_scales(const float* sw, int c, int shift) {
    const __m512 even = _mm512_set1_ps(sw[c >> shift]);
    if (shift > 0) return even;
    return _mm512_insertf32x8(even, _mm256_set1_ps(sw[c + 1]), 1);
  }

  // Four accumulators reduced at once, each by the reduce16() tree: lanes i + (i + 8), then
  // i + (i + 4), i + (i + 2), 0 + 1. Returns the four sums in lanes 0-3.
  static DB_AVX512 inline __m128 reduce4(__m512 a, __m512 b, __m512 c, __m512 d) {
    const __m512 ab = _mm512_add_ps(_mm512_shuffle_f32x4(a, b, 0x44), _mm512_shuffle_f32x4(a, b, 0xEE));
    const __m512 cd = _mm512_add_ps(_mm512_shuffle_f32x4(c, d, 0x44), _mm512_shuffle_f32x4(c, d, 0xEE));
    const __m512 v4 = _mm512_add_ps(_mm512_shuffle_f32x4(ab, cd, 0x88), _mm512_shuffle_f32x4(ab, cd, 0xDD));
    const __m512 v2 = _mm512_add_ps(v4, _mm512_permute_ps(v4, 0x4E));
    const __m512 v1 = _mm512_add_ps(v2, _mm512_permute_ps(v2, 0xB1));
    return _mm512_castps512_ps128(
        _mm512_permutexvar_ps(_mm512_setr_epi32(0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), v1));
  }

  // A tile of NR weight rows (from row r) by NB input rows (from b0), results into out. Each
  // weight and input vector is loaded once per tile. (w ^ 0x80) is w + 128 as unsigned, so
  // dpbusd accumulates sum((w + 128) * x) per 4 bytes onto -128 * sum(x): the exact signed sum.
  // Then lanes = fma(float(sum), weight scale * input scale, lanes).
  template <int NR, int NB>
  static DB_AVX512 void q8_tile(const Int8Matrix& w, const QuantizedInput& x, int r, int b0, float* out) {
    const int n = x.cols, chunks = n / 32, group = w.group, shift = __builtin_ctz(static_cast<unsigned>(group / 32));
    const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
    const std::int8_t* wq = w.q + static_cast<std::size_t>(r) * n;
    const float* sw = w.scale + static_cast<std::size_t>(r) * (n / group);
    const int sw_stride = n / group;
    const std::int8_t* xq = x.q.data() + static_cast<std::size_t>(b0) * n;
    const std::int32_t* xo = x.neg_offset.data() + static_cast<std::size_t>(b0) * (n / 4);
    const float* xl = x.lane_scale.data() + static_cast<std::size_t>(b0) * (n / 4);
    __m512 acc[NR][NB];
    for (int i = 0; i < NR; ++i)
      for (int j = 0; j < NB; ++j) acc[i][j] = _mm512_setzero_ps();
    for (int c = 0; c + 1 < chunks; c += 2) {
      __m512i wv[NR];
      __m512 ws[NR];
      for (int i = 0; i < NR; ++i) {
        // Rows of a tile are short interleaved streams the hardware prefetcher picks up late, so
        // fetch two tiles ahead, in address order: the tile's NR rows are one contiguous block
        // of NR * n bytes, consumed at NR lines per step. (Prefetching each row's own column
        // instead jumps around the block: 10 GB/s instead of 28 streaming on one core.)
        _mm_prefetch(reinterpret_cast<const char*>(wq + 2 * NR * n + NR * 32 * c + 64 * i), _MM_HINT_T0);
        wv[i] = _mm512_xor_si512(_mm512_loadu_si512(wq + i * n + 32 * c), flip);
        ws[i] = weight_scales(sw + i * sw_stride, c, shift);
      }
      for (int j = 0; j < NB; ++j) {
        const __m512i xv = _mm512_loadu_si512(xq + j * n + 32 * c);
        const __m512i ov = _mm512_loadu_si512(xo + j * (n / 4) + 8 * c);
        const __m512 lv = _mm512_loadu_ps(xl + j * (n / 4) + 8 * c);
        for (int i = 0; i < NR; ++i) {
          const __m512 scale = _mm512_mul_ps(ws[i], lv);
          acc[i][j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_dpbusd_epi32(ov, wv[i], xv)), scale, acc[i][j]);
        }
      }
    }
    if (chunks % 2 != 0) {
      const int c = chunks - 1;
      for (int i = 0; i < NR; ++i) {
        const __m256i wv = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(wq + i * n + 32 * c)),
                                            _mm512_castsi512_si256(flip));
        const __m256 ws = _mm256_set1_ps(sw[i * sw_stride + (c >> shift)]);
        for (int j = 0; j < NB; ++j) {
          const __m256i dp =
              _mm256_dpbusd_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(xo + j * (n / 4) + 8 * c)), wv,
                                  _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xq + j * n + 32 * c)));
          const __m256 scale = _mm256_mul_ps(ws, _mm256_loadu_ps(xl + j * (n / 4) + 8 * c));
          acc[i][j] = _mm512_mask3_fmadd_ps(_mm512_castps256_ps512(_mm256_cvtepi32_ps(dp)),
                                            _mm512_castps256_ps512(scale), acc[i][j], 0x00FF);
        }
      }
    }
    store_tile<NR, NB>(acc, out, w.rows, r, b0);
  }

  // An odd last chunk of the rows (into lanes 0-7), for a tile of NR weight rows by NB inputs.
  // q8_tile keeps its own copy of this: there, passing `acc` out by reference (even always
  // inlined) made the compiler keep the 4x4 tile in memory, 12% slower at batch 4 and 8.
  template <int NR, int NB>
  static DB_AVX512 __attribute__((always_inline)) inline void add_last_chunk(const Int8Matrix& w,
                                                                             const QuantizedInput& x, int r, int b0,
                                                                             __m512 (&acc)[NR][NB]) {
    const int n = x.cols, c = n / 32 - 1, groups = n / w.group, g = c * 32 / w.group;
    const __m256i flip = _mm256_set1_epi8(static_cast<char>(0x80));
    const std::int8_t* wq = w.q + static_cast<std::size_t>(r) * n + 32 * c;
    const std::int8_t* xq = x.q.data() + static_cast<std::size_t>(b0) * n + 32 * c;
    const std::int32_t* xo = x.neg_offset.data() + static_cast<std::size_t>(b0) * (n / 4) + 8 * c;
    const float* xl = x.lane_scale.data() + static_cast<std::size_t>(b0) * (n / 4) + 8 * c;
    for (int i = 0; i < NR; ++i) {
      const __m256i wv = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(wq + i * n)), flip);
      const __m256 ws = _mm256_set1_ps(w.scale[(static_cast<std::size_t>(r) + i) * groups + g]);
      for (int j = 0; j < NB; ++j) {
        const __m256i dp = _mm256_dpbusd_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(xo + j * (n / 4))),
                                               wv, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(xq + j * n)));
        const __m256 scale = _mm256_mul_ps(ws, _mm256_loadu_ps(xl + j * (n / 4)));
        acc[i][j] = _mm512_mask3_fmadd_ps(_mm512_castps256_ps512(_mm256_cvtepi32_ps(dp)), _mm512_castps256_ps512(scale),
                                          acc[i][j], 0x00FF);
      }
    }
  }

  // Reduces a tile's accumulators and stores them at out[(b0 + j) * out_rows + r + i].
  template <int NR, int NB>
  static DB_AVX512 inline void store_tile(const __m512 (&acc)[NR][NB], float* out, int out_rows, int r, int b0) {
    for (int j = 0; j < NB; ++j) {
      float* o = out + static_cast<std::size_t>(b0 + j) * out_rows + r;
      if constexpr (NR == 4) {
        _mm_storeu_ps(o, reduce4(acc[0][j], acc[1][j], acc[2][j], acc[3][j]));
      } else {
        for (int i = 0; i < NR; ++i) o[i] = reduce_lanes(acc[i][j]);
      }
    }
  }

  // q8_tile for groups of 64 or more values: a 64-byte vector (chunks 2p and 2p + 1) lies in one
  // group, so all 16 lanes share one weight scale and one input scale. The tile's scale products
  // are computed 16 groups at a time into a table (the same float products, lane for lane, as
  // q8_tile's weight_scales() * lane_scale) and broadcast from memory as the multiply's operand,
  // so the inner loop spends no vector op on scales. Used for batches above 1: at batch 1 the
  // table's store-then-load adds latency to a loop that waits on DRAM anyway.
  template <int NR, int NB>
  static DB_AVX512 void q8_tile_wide(const Int8Matrix& w, const QuantizedInput& x, int r, int b0, float* out) {
    const int n = x.cols, groups = n / w.group, per_group = __builtin_ctz(static_cast<unsigned>(w.group / 64));
    const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
    const std::int8_t* wq = w.q + static_cast<std::size_t>(r) * n;
    const float* sw = w.scale + static_cast<std::size_t>(r) * groups;
    const std::int8_t* xq = x.q.data() + static_cast<std::size_t>(b0) * n;
    const std::int32_t* xo = x.neg_offset.data() + static_cast<std::size_t>(b0) * (n / 4);
    const float* sx = x.scale.data() + static_cast<std::size_t>(b0) * groups;
    __m512 acc[NR][NB];
    for (int i = 0; i < NR; ++i)
      for (int j = 0; j < NB; ++j) acc[i][j] = _mm512_setzero_ps();
    alignas(64) float table[NR][NB][16];  // [row][input][group - g0]: weight scale * input scale
    for (int g0 = 0; g0 < groups; g0 += 16) {
      const int gn = groups - g0 < 16 ? groups - g0 : 16;
      const auto mask = static_cast<__mmask16>((1u << gn) - 1);
      for (int i = 0; i < NR; ++i) {
        const __m512 swv = _mm512_maskz_loadu_ps(mask, sw + i * groups + g0);
        for (int j = 0; j < NB; ++j)
          _mm512_store_ps(table[i][j], _mm512_mul_ps(swv, _mm512_maskz_loadu_ps(mask, sx + j * groups + g0)));
      }
      for (int p = g0 << per_group; p < (g0 + gn) << per_group; ++p) {
        const int g = (p >> per_group) - g0;
        __m512i wv[NR];
        for (int i = 0; i < NR; ++i) {
          _mm_prefetch(reinterpret_cast<const char*>(wq + 2 * NR * n + NR * 64 * p + 64 * i), _MM_HINT_T0);
          wv[i] = _mm512_xor_si512(_mm512_loadu_si512(wq + i * n + 64 * p), flip);
        }
        for (int j = 0; j < NB; ++j) {
          const __m512i xv = _mm512_loadu_si512(xq + j * n + 64 * p);
          const __m512i ov = _mm512_loadu_si512(xo + j * (n / 4) + 16 * p);
          for (int i = 0; i < NR; ++i) {
            const __m512 f = _mm512_cvtepi32_ps(_mm512_dpbusd_epi32(ov, wv[i], xv));
            acc[i][j] = _mm512_fmadd_ps(f, _mm512_set1_ps(table[i][j][g]), acc[i][j]);
          }
        }
      }
    }
    store_tile<NR, NB>(acc, out, w.rows, r, b0);
  }

  // q8_tile for group 32 at batch 1 (decode with llama2.c's small models): the scale products of
  // 16 groups are computed into one register per row, and each step's 16 lane scales (chunk 2p in
  // lanes 0-7, 2p + 1 in 8-15) are permuted out of it, instead of two broadcasts, an insert and a
  // multiply per row and step. Same float products lane for lane as q8_tile.
  template <int NR>
  static DB_AVX512 void q8_tile_g32(const Int8Matrix& w, const QuantizedInput& x, int r, float* out) {
    const int n = x.cols, chunks = n / 32;
    const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
    const std::int8_t* wq = w.q + static_cast<std::size_t>(r) * n;
    const float* sw = w.scale + static_cast<std::size_t>(r) * chunks;
    const std::int8_t* xq = x.q.data();
    const std::int32_t* xo = x.neg_offset.data();
    const float* sx = x.scale.data();
    __m512 acc[NR][1];
    for (int i = 0; i < NR; ++i) acc[i][0] = _mm512_setzero_ps();
    const __m512i first = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
    for (int g0 = 0; g0 + 1 < chunks; g0 += 16) {
      const int gn = chunks - g0 < 16 ? (chunks - g0) & ~1 : 16;  // whole pairs; an odd last chunk is the tail
      const auto mask = static_cast<__mmask16>((1u << gn) - 1);
      const __m512 sxv = _mm512_maskz_loadu_ps(mask, sx + g0);
      __m512 table[NR];
      for (int i = 0; i < NR; ++i) table[i] = _mm512_mul_ps(_mm512_maskz_loadu_ps(mask, sw + i * chunks + g0), sxv);
      __m512i idx = first;
      for (int c = g0; c < g0 + gn; c += 2) {
        const __m512i xv = _mm512_loadu_si512(xq + 32 * c);
        const __m512i ov = _mm512_loadu_si512(xo + 8 * c);
        for (int i = 0; i < NR; ++i) {
          _mm_prefetch(reinterpret_cast<const char*>(wq + 2 * NR * n + NR * 32 * c + 64 * i), _MM_HINT_T0);
          const __m512i wv = _mm512_xor_si512(_mm512_loadu_si512(wq + i * n + 32 * c), flip);
          const __m512 f = _mm512_cvtepi32_ps(_mm512_dpbusd_epi32(ov, wv, xv));
          acc[i][0] = _mm512_fmadd_ps(f, _mm512_permutexvar_ps(idx, table[i]), acc[i][0]);
        }
        idx = _mm512_add_epi32(idx, _mm512_set1_epi32(2));
      }
    }
    if (chunks % 2 != 0) add_last_chunk<NR, 1>(w, x, r, 0, acc);
    store_tile<NR, 1>(acc, out, w.rows, r, 0);
  }

  template <int NR, int NB>
  static DB_AVX512 void q8_tile_any(const Int8Matrix& w, const QuantizedInput& x, int r, int b0, float* out) {
    if (w.group >= 64 && x.rows > 1) {
      q8_tile_wide<NR, NB>(w, x, r, b0, out);
    } else if (w.group == 32 && x.rows == 1) {
      q8_tile_g32<NR>(w, x, r, out);
    } else {
      q8_tile<NR, NB>(w, x, r, b0, out);
    }
  }

  template <int NR>
  static DB_AVX512 void q8_tiles(const Int8Matrix& w, const QuantizedInput& x, int r, float* out) {
    for (int b0 = 0; b0 < x.rows; b0 += 4) {
      switch (x.rows - b0) {
        case 1:
          q8_tile_any<NR, 1>(w, x, r, b0, out);
          break;
        case 2:
          q8_tile_any<NR, 2>(w, x, r, b0, out);
          break;
        case 3:
          q8_tile_any<NR, 3>(w, x, r, b0, out);
          break;
        default:
          q8_tile_any<NR, 4>(w, x, r, b0, out);
          break;
      }
    }
  }

  // Weight rows in tiles of 4 (outer, so a tile stays in L1 across the batch), inputs in blocks of 4.
  static DB_AVX512 void q8_rows(const Int8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1) {
    int r = r0;
    for (; r + 4 <= r1; r += 4) q8_tiles<4>(w, x, r, out);
    for (; r < r1; ++r) q8_tiles<1>(w, x, r, out);
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

// Four keys at a time, each with its own accumulator, reduced together (one tree for four
// scores instead of one horizontal sum per key).
DB_AVX512 void scores_avx512(const float* q, const float* k, std::size_t stride, int count, int n, float scale,
                             float* out) {
  const __m128 sv = _mm_set1_ps(scale);
  int t = 0;
  for (; t + 4 <= count; t += 4) {
    const float* k0 = k + t * stride;
    __m512 a[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
    for (int i = 0; i < n; i += 16) {
      const auto m = static_cast<__mmask16>(n - i >= 16 ? 0xFFFF : (1u << (n - i)) - 1);
      const __m512 qv = _mm512_maskz_loadu_ps(m, q + i);
      for (int j = 0; j < 4; ++j) a[j] = _mm512_fmadd_ps(qv, _mm512_maskz_loadu_ps(m, k0 + j * stride + i), a[j]);
    }
    _mm_storeu_ps(out + t, _mm_mul_ps(Kernels::reduce4(a[0], a[1], a[2], a[3]), sv));
  }
  for (; t < count; ++t) out[t] = dot_avx512(q, k + t * stride, n) * scale;
}

// The output stays in registers across all keys, 64 floats (4 vectors) at a time.
DB_AVX512 void mix_avx512(const float* a, const float* v, std::size_t stride, int count, int n, float* out) {
  for (int i0 = 0; i0 < n; i0 += 64) {
    __mmask16 m[4];
    __m512 acc[4];
    for (int j = 0; j < 4; ++j) {
      const int left = n - i0 - 16 * j;
      m[j] = static_cast<__mmask16>(left >= 16 ? 0xFFFF : left <= 0 ? 0 : (1u << left) - 1);
      acc[j] = _mm512_setzero_ps();
    }
    for (int t = 0; t < count; ++t) {
      const __m512 av = _mm512_set1_ps(a[t]);
      const float* vt = v + t * stride + i0;
      for (int j = 0; j < 4; ++j) acc[j] = _mm512_fmadd_ps(av, _mm512_maskz_loadu_ps(m[j], vt + 16 * j), acc[j]);
    }
    for (int j = 0; j < 4; ++j) _mm512_mask_storeu_ps(out + i0 + 16 * j, m[j], acc[j]);
  }
}

void f32_rows_avx512(const Fp32Matrix& w, const Fp32Input& x, float* out, int r0, int r1) {
  f32_rows_blocked<Kernels>(w, x, out, r0, r1);
}

void q8_rows_avx512(const Int8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1) {
  Kernels::q8_rows(w, x, out, r0, r1);
}

}  // namespace deploybench::engine::detail
