// AVX-512 kernels (int8 via VNNI). Compiled with target attributes and chosen
// at run time, so the binary still runs on CPUs without AVX (see detect_isa()).
// GCC 12's avx512fintrin.h trips -Wuninitialized in its own _mm512_undefined_*
// helpers.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <cstdint>

#include "engine/avx512_math.h"
#include "engine/kernels_impl.h"

namespace deploybench::engine::detail {
namespace {

// The fp32 row kernel, with or without software prefetch (Fetch, kernels.h): the same
// operations in the same order either way, so the same results.
template <bool Ahead>
struct F32Kernel {
  template <int NB>
  static DB_AVX512 void f32_rows(const float* w, int n, int r0, int r1, const float* x, float* out, int out_rows) {
    f32_row_loop<F32Kernel, NB>(w, n, r0, r1, x, out, out_rows);
  }
  template <int NB>
  static DB_AVX512 void f32(const float* w, const float* x, int n, float* res) {
    __m512 a0[NB], a1[NB];
    for (int j = 0; j < NB; ++j) a0[j] = a1[j] = _mm512_setzero_ps();
    for (int i = 0; i < n; i += 32) {
      // Weights stream from DRAM in decode: Ahead fetches 2 KiB ahead (rows are contiguous, so
      // this runs into the next row), as the hardware prefetcher alone left the stream
      // latency-bound on session 1-10's hosts. Into L2 (T1): ~10% faster at batch 1 than into L1
      // (T0) or 4 KiB ahead, on Zen 4.
      if constexpr (Ahead) {
        _mm_prefetch(reinterpret_cast<const char*>(w + i + 512), _MM_HINT_T1);
        _mm_prefetch(reinterpret_cast<const char*>(w + i + 528), _MM_HINT_T1);
      }
      const __m512 w0 = _mm512_loadu_ps(w + i), w1 = _mm512_loadu_ps(w + i + 16);
      for (int j = 0; j < NB; ++j) {
        a0[j] = _mm512_fmadd_ps(w0, _mm512_loadu_ps(x + j * n + i), a0[j]);
        a1[j] = _mm512_fmadd_ps(w1, _mm512_loadu_ps(x + j * n + i + 16), a1[j]);
      }
    }
    for (int j = 0; j < NB; ++j) res[j] = _mm512_reduce_add_ps(_mm512_add_ps(a0[j], a1[j]));
  }
};

struct Kernels {
  // A thread's rows are one contiguous run of blocks, read in address order, so one line is
  // prefetched per line consumed, into L2 (T1). With 3 or more inputs the loop is busy with
  // dpbusd and the stream falls behind unless fetched 8 KiB ahead (a base batch-8 step's matmuls
  // took ~3.2 ms instead of ~4.0 with T0 4 KiB ahead; T1 4 KiB 0.95x, 2 KiB 0.79x, none 0.68x;
  // batch 3: 2 KiB 0.92-0.94x). With 1-2 inputs the loop is light and 8 KiB ahead throttles the
  // stream: base int8 batch 1 decodes 1.10-1.22x faster 2 KiB ahead (1 KiB or none about the
  // same, 4 KiB 1.02x, 256 B 0.97x, T0 or NTA 0.88-0.91x), batch 2 0.99-1.07x (session 6, paired
  // in-process runs; a lone stream of dpbusd reads 33 GB/s 8 KiB ahead and 52 GB/s 2 KiB ahead on
  // 2 threads while a plain read of the same buffer gets 51).
  template <int NB>
  static DB_AVX512 inline void prefetch_weights(const std::byte* p) {
    constexpr int kAhead = NB < 3 ? 2048 : 8192;
    _mm_prefetch(reinterpret_cast<const char*>(p + kAhead), _MM_HINT_T1);
  }

  static DB_AVX512 inline __m512i broadcast4(const std::int8_t* p) {
    std::int32_t v;
    __builtin_memcpy(&v, p, sizeof v);
    return _mm512_set1_epi32(v);
  }

  // One 16-row block (packed, see PackedInt8Matrix) against NB input rows from b0: per group,
  // int32 sums of (w + 128) * x chained by dpbusd from -128 * sum(x) (the exact signed sums;
  // one weight vector load serves all NB inputs, each input's 4 bytes broadcast), then per row
  // acc = fma(float(sum), weight scale * input scale, acc). With fewer than 4 inputs the steps
  // alternate between two chains (added exactly at the group's end), so dpbusd's latency does
  // not bound batch 1. Stores `store` rows at out[(b0 + j) * w.rows + r].
  template <int NB>
  static DB_AVX512 void q8_block(const PackedInt8Matrix& w, const QuantizedInput& x, const std::byte* base, int r,
                                 int b0, int store, float* out) {
    constexpr int kChains = NB < 4 ? 2 : 1;
    const int groups = w.cols / w.group, steps = w.group / 4;
    const std::size_t group_bytes = w.group_bytes();
    const std::int8_t* xq = x.q.data() + static_cast<std::size_t>(b0) * w.cols;
    const std::int32_t* xo = x.neg_sum.data() + static_cast<std::size_t>(b0) * groups;
    const float* xs = x.scale.data() + static_cast<std::size_t>(b0) * groups;
    __m512 acc[NB];
    for (int j = 0; j < NB; ++j) acc[j] = _mm512_setzero_ps();
    for (int g = 0; g < groups; ++g) {
      const std::byte* gp = base + g * group_bytes;
      prefetch_weights<NB>(gp);
      __m512i sum[kChains][NB];
      for (int j = 0; j < NB; ++j) {
        sum[0][j] = _mm512_set1_epi32(xo[j * groups + g]);
        if constexpr (kChains == 2) sum[1][j] = _mm512_setzero_si512();
      }
      const std::int8_t* xg = xq + g * w.group;
      for (int s = 0; s < steps; s += kChains) {
        for (int c = 0; c < kChains; ++c) {
          const std::byte* line = gp + 64 + 64 * (s + c);
          prefetch_weights<NB>(line);
          const __m512i wv = _mm512_load_si512(line);
          for (int j = 0; j < NB; ++j)
            sum[c][j] = _mm512_dpbusd_epi32(sum[c][j], wv, broadcast4(xg + j * w.cols + 4 * (s + c)));
        }
      }
      const __m512 ws = _mm512_load_ps(reinterpret_cast<const float*>(gp));
      for (int j = 0; j < NB; ++j) {
        __m512i total = sum[0][j];
        if constexpr (kChains == 2) total = _mm512_add_epi32(total, sum[1][j]);
        const __m512 scale = _mm512_mul_ps(ws, _mm512_set1_ps(xs[j * groups + g]));
        acc[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(total), scale, acc[j]);
      }
    }
    const auto mask = static_cast<__mmask16>(store >= 16 ? 0xFFFF : (1u << store) - 1);
    for (int j = 0; j < NB; ++j)
      _mm512_mask_storeu_ps(out + static_cast<std::size_t>(b0 + j) * w.rows + r, mask, acc[j]);
  }

  // Blocks outer (a block stays in L1 across the batch), inputs in runs of 8.
  static DB_AVX512 void q8_rows(const PackedInt8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1) {
    for_packed_blocks<8>(w, x.rows, r0, r1, [&](auto nb, const std::byte* base, int r, int b0, int store) {
      q8_block<decltype(nb)::value>(w, x, base, r, b0, store, out);
    });
  }
};

}  // namespace

DB_AVX512 void swiglu_avx512(float* gate, const float* up, int n) {
  for (int i = 0; i < n; i += 16) {
    const __mmask16 m = lanes(n - i);
    const __m512 g = _mm512_maskz_loadu_ps(m, gate + i);
    const __m512 silu =
        _mm512_div_ps(g, _mm512_add_ps(_mm512_set1_ps(1.0f), exp_ps(_mm512_sub_ps(_mm512_setzero_ps(), g))));
    _mm512_mask_storeu_ps(gate + i, m, _mm512_mul_ps(silu, _mm512_maskz_loadu_ps(m, up + i)));
  }
}

// As quantize_input_rows: per group, scale = max|x| / 127 and q = x * (1 / scale) rounded to
// nearest even (the same IEEE operations, so the same bits), and -128 times the sum of q.
DB_AVX512 void quantize_groups_avx512(const float* x, std::size_t first, std::size_t last, QuantizedInput& out) {
  const int group = out.group, vectors = group / 16;
  for (std::size_t g = first; g < last; ++g) {
    const float* xg = x + g * group;
    __m512 max = _mm512_setzero_ps();
    for (int v = 0; v < vectors; ++v) max = _mm512_max_ps(max, _mm512_abs_ps(_mm512_loadu_ps(xg + 16 * v)));
    const float s = _mm512_reduce_max_ps(max) / 127.0f;
    const __m512 inv = _mm512_set1_ps(s > 0.0f ? 1.0f / s : 0.0f);
    __m512i sum = _mm512_setzero_si512();
    for (int v = 0; v < vectors; ++v) {
      const __m512i q = _mm512_cvt_roundps_epi32(_mm512_mul_ps(_mm512_loadu_ps(xg + 16 * v), inv),
                                                 _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
      sum = _mm512_add_epi32(sum, q);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out.q.data() + g * group + 16 * v), _mm512_cvtepi32_epi8(q));
    }
    out.scale[g] = s;
    out.neg_sum[g] = -128 * _mm512_reduce_add_epi32(sum);
  }
}

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
  f32_rows_blocked<F32Kernel<true>>(w, x, out, r0, r1);
}

void f32_rows_avx512_hardware(const Fp32Matrix& w, const Fp32Input& x, float* out, int r0, int r1) {
  f32_rows_blocked<F32Kernel<false>>(w, x, out, r0, r1);
}

void q8_rows_avx512(const PackedInt8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1) {
  Kernels::q8_rows(w, x, out, r0, r1);
}

}  // namespace deploybench::engine::detail
