// AVX-512 kernels over the KV cache (fp32 or IEEE half elements): the half conversion, one
// head's scores and mix, and one sequence's attention over several heads. Compiled with target
// attributes and chosen at run time, as kernels_avx512.cpp.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "engine/avx512_math.h"
#include "engine/kernels_impl.h"

namespace deploybench::engine::detail {
namespace {

// A lone head's keys (values) of one sequence are a stream of a few KiB to a few hundred, too
// short for the hardware prefetcher to reach full speed: scores and mix fetch the line of the key
// this far ahead into L2.
constexpr int kKeysAhead = 16;

// Up to 16 cached elements from p (lanes past the mask zero), as floats: fp32 or IEEE half.
DB_AVX512 inline __m512 load16(__mmask16 m, const float* p) { return _mm512_maskz_loadu_ps(m, p); }
DB_AVX512 inline __m512 load16(__mmask16 m, const std::uint16_t* p) {
  return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, p));
}
// One prefetch per 64-byte line of a row whose elements [i, i + 16) are being read.
template <typename T>
DB_AVX512 inline void prefetch_line(const T* p, int i) {
  if (sizeof(T) * 16 >= 64 || i % (64 / sizeof(T)) == 0) _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T1);
}

// Four accumulators reduced at once, each by one tree: lanes i + (i + 8), then i + (i + 4),
// i + (i + 2), 0 + 1. Returns the four sums in lanes 0-3.
DB_AVX512 inline __m128 reduce4(__m512 a, __m512 b, __m512 c, __m512 d) {
  const __m512 ab = _mm512_add_ps(_mm512_shuffle_f32x4(a, b, 0x44), _mm512_shuffle_f32x4(a, b, 0xEE));
  const __m512 cd = _mm512_add_ps(_mm512_shuffle_f32x4(c, d, 0x44), _mm512_shuffle_f32x4(c, d, 0xEE));
  const __m512 v4 = _mm512_add_ps(_mm512_shuffle_f32x4(ab, cd, 0x88), _mm512_shuffle_f32x4(ab, cd, 0xDD));
  const __m512 v2 = _mm512_add_ps(v4, _mm512_permute_ps(v4, 0x4E));
  const __m512 v1 = _mm512_add_ps(v2, _mm512_permute_ps(v2, 0xB1));
  return _mm512_castps512_ps128(
      _mm512_permutexvar_ps(_mm512_setr_epi32(0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), v1));
}

template <typename T>
DB_AVX512 float dot_row(const float* q, const T* k, int n) {
  __m512 acc = _mm512_setzero_ps();
  for (int i = 0; i < n; i += 16) acc = _mm512_fmadd_ps(load16(lanes(n - i), q + i), load16(lanes(n - i), k + i), acc);
  return _mm512_reduce_add_ps(acc);
}

// Four keys at a time, each with its own accumulator, reduced together (one tree for four
// scores instead of one horizontal sum per key). Prefetch: each key's lines kKeysAhead keys ahead.
template <bool Prefetch, typename T>
DB_AVX512 void scores_of(const float* q, const T* k, std::size_t stride, int count, int n, float scale, float* out) {
  const __m128 sv = _mm_set1_ps(scale);
  int t = 0;
  for (; t + 4 <= count; t += 4) {
    const T* k0 = k + t * stride;
    __m512 a[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
    for (int i = 0; i < n; i += 16) {
      const __mmask16 m = lanes(n - i);
      if constexpr (Prefetch) {
        for (int j = 0; j < 4; ++j) prefetch_line(k0 + (kKeysAhead + j) * stride + i, i);
      }
      const __m512 qv = load16(m, q + i);
      for (int j = 0; j < 4; ++j) a[j] = _mm512_fmadd_ps(qv, load16(m, k0 + j * stride + i), a[j]);
    }
    _mm_storeu_ps(out + t, _mm_mul_ps(reduce4(a[0], a[1], a[2], a[3]), sv));
  }
  for (; t < count; ++t) out[t] = dot_row(q, k + t * stride, n) * scale;
}

// out = (Accumulate ? out : 0) + sum over t of a[t] * v[t]: the output stays in registers across
// all keys, 64 floats (4 vectors) at a time.
template <bool Prefetch, bool Accumulate, typename T>
DB_AVX512 void mix_of(const float* a, const T* v, std::size_t stride, int count, int n, float* out) {
  for (int i0 = 0; i0 < n; i0 += 64) {
    __mmask16 m[4];
    __m512 acc[4];
    for (int j = 0; j < 4; ++j) {
      m[j] = lanes(n - i0 - 16 * j);
      acc[j] = Accumulate ? _mm512_maskz_loadu_ps(m[j], out + i0 + 16 * j) : _mm512_setzero_ps();
    }
    for (int t = 0; t < count; ++t) {
      const __m512 av = _mm512_set1_ps(a[t]);
      const T* vt = v + t * stride + i0;
      if constexpr (Prefetch) {
        for (int j = 0; j < 4 && 16 * j < n - i0; ++j) prefetch_line(vt + kKeysAhead * stride + 16 * j, 16 * j);
      }
      for (int j = 0; j < 4; ++j) acc[j] = _mm512_fmadd_ps(av, load16(m[j], vt + 16 * j), acc[j]);
    }
    for (int j = 0; j < 4; ++j) _mm512_mask_storeu_ps(out + i0 + 16 * j, m[j], acc[j]);
  }
}

// In place, over n scores; *lse as softmax (kernels_impl.h).
DB_AVX512 void softmax_of(float* x, int n, float* lse) {
  __m512 mv = _mm512_set1_ps(-__builtin_inff());
  for (int i = 0; i < n; i += 16) mv = _mm512_max_ps(mv, _mm512_mask_loadu_ps(mv, lanes(n - i), x + i));
  const __m512 max = _mm512_set1_ps(_mm512_reduce_max_ps(mv));
  __m512 sum = _mm512_setzero_ps();
  for (int i = 0; i < n; i += 16) {
    const __mmask16 m = lanes(n - i);
    const __m512 e = exp_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), max));
    sum = _mm512_add_ps(sum, _mm512_maskz_mov_ps(m, e));
    _mm512_mask_storeu_ps(x + i, m, e);
  }
  const float total = _mm512_reduce_add_ps(sum);
  if (lse) *lse = _mm512_reduce_max_ps(max) + std::log(total);
  const __m512 inv = _mm512_set1_ps(1.0f / total);
  for (int i = 0; i < n; i += 16) {
    const __mmask16 m = lanes(n - i);
    _mm512_mask_storeu_ps(x + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), inv));
  }
}

// Positions per block of the multi-head attention: every head's scores (mix) over one block run
// before the next, so a block's rows are read together. How far ahead of the reader the rows are
// prefetched into L2, in rows. Base batch 8 at positions 64-127 (28.5 MB of cache per step):
// attention took ~0.95 ms per step with blocks of 4 or 8 rows, ~1.0 with 16; prefetching 8 rows
// ahead as good as 16 or 32; all prefetches of a block issued at once instead of spread over its
// heads: ~1.4 ms; no prefetch: ~1.9 ms (the per-head layout before: ~1.5 ms).
constexpr int kBlockRows = 4;
constexpr int kRowsAhead = 8;

// Prefetches the rows one sequence's attention reads, in the order it reads them (keys 0..count-1,
// then values 0..count-1, the 64-byte lines of `bytes` of each row from its start; rows of the
// cache start on a line), a fixed distance ahead of the reader and a few lines at a time, so the
// prefetches do not queue behind each other.
template <typename T>
class RowStream {
 public:
  RowStream(const T* k, const T* v, std::size_t stride, int count, std::size_t bytes)
      : k_(k), v_(v), stride_(stride), count_(count), lines_((bytes + 63) / 64) {}
  // The reader is at `row` (rows >= count are values) plus `part` of the next `rows` rows.
  DB_AVX512 void reading(int row, int part, int parts, int rows) {
    const long at = static_cast<long>(row) * lines_ + static_cast<long>(rows) * lines_ * part / parts;
    const long until = std::min(at + static_cast<long>(kRowsAhead) * lines_, 2L * count_ * lines_);
    for (; next_ < until; ++next_) {
      const long r = next_ / lines_;
      const T* base = r < count_ ? k_ + r * stride_ : v_ + (r - count_) * stride_;
      _mm_prefetch(reinterpret_cast<const char*>(base) + 64 * (next_ % lines_), _MM_HINT_T1);
    }
  }

 private:
  const T* k_;
  const T* v_;
  std::size_t stride_;
  int count_;
  long lines_;  // per row
  long next_ = 0;
};

// One sequence over several heads (AttentionSpan): keys are read block by block of positions,
// each block by every head before the next (the rows a sequence's heads share stream from DRAM
// once, as one prefetched sequence instead of one short stream per head), then the softmax of each
// head, then the values the same way, each head's output accumulating across blocks.
template <typename T>
DB_AVX512 void attend_of(const AttentionSpan& s, const T* k, const T* v) {
  const int n = s.n, count = s.count;
  const int kv_first = s.head_begin / s.group, kv_end = (s.head_end - 1) / s.group + 1;
  RowStream<T> rows(k + static_cast<std::size_t>(kv_first) * n, v + static_cast<std::size_t>(kv_first) * n, s.stride,
                    count, sizeof(T) * static_cast<std::size_t>(kv_end - kv_first) * n);
  auto att = [&](int h) { return s.att + static_cast<std::size_t>(h - s.head_begin) * count; };
  auto head = [&](const T* base, int h, int t0) {
    return base + t0 * s.stride + static_cast<std::size_t>(h / s.group) * n;
  };
  const int heads = s.head_end - s.head_begin;
  for (int t0 = 0; t0 < count; t0 += kBlockRows) {
    const int m = std::min(kBlockRows, count - t0);
    for (int h = s.head_begin; h < s.head_end; ++h) {
      rows.reading(t0, h - s.head_begin, heads, m);
      scores_of<false>(s.q + h * n, head(k, h, t0), s.stride, m, n, s.scale, att(h) + t0);
    }
  }
  for (int h = s.head_begin; h < s.head_end; ++h)
    softmax_of(att(h), count, s.lse ? s.lse + (h - s.head_begin) : nullptr);
  for (int t0 = 0; t0 < count; t0 += kBlockRows) {
    const int m = std::min(kBlockRows, count - t0);
    for (int h = s.head_begin; h < s.head_end; ++h) {
      rows.reading(count + t0, h - s.head_begin, heads, m);
      if (t0 == 0) {
        mix_of<false, false>(att(h), head(v, h, 0), s.stride, m, n, s.out + h * n);
      } else {
        mix_of<false, true>(att(h) + t0, head(v, h, t0), s.stride, m, n, s.out + h * n);
      }
    }
  }
}

}  // namespace

void scores_avx512(const float* q, const float* k, std::size_t stride, int count, int n, float scale, float* out) {
  scores_of<true>(q, k, stride, count, n, scale, out);
}
void mix_avx512(const float* a, const float* v, std::size_t stride, int count, int n, float* out) {
  mix_of<true, false>(a, v, stride, count, n, out);
}
void scores_half_avx512(const float* q, const std::uint16_t* k, std::size_t stride, int count, int n, float scale,
                        float* out) {
  scores_of<true>(q, k, stride, count, n, scale, out);
}
void mix_half_avx512(const float* a, const std::uint16_t* v, std::size_t stride, int count, int n, float* out) {
  mix_of<true, false>(a, v, stride, count, n, out);
}
void attend_avx512(const AttentionSpan& s, const float* k, const float* v) { attend_of(s, k, v); }
void attend_half_avx512(const AttentionSpan& s, const std::uint16_t* k, const std::uint16_t* v) { attend_of(s, k, v); }

// vcvtps2ph with round-to-nearest-even (the bits float_to_half gives).
DB_AVX512 void to_half_avx512(const float* x, std::uint16_t* out, int n) {
  for (int i = 0; i < n; i += 16) {
    const __mmask16 m = lanes(n - i);
    _mm256_mask_storeu_epi16(
        out + i, m, _mm512_cvtps_ph(_mm512_maskz_loadu_ps(m, x + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  }
}

}  // namespace deploybench::engine::detail
