#pragma once
// Inline AVX-512 helpers shared by the AVX-512 kernel files (internal to lib/engine; include
// only from files whose functions carry the DB_AVX512 target attribute, and after
// <immintrin.h>).
#include <immintrin.h>

#include <initializer_list>

#define DB_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,fma")))

namespace deploybench::engine::detail {

/// A mask of the first `left` of 16 lanes (all when left >= 16, none when left <= 0).
DB_AVX512 inline __mmask16 lanes(int left) {
  return static_cast<__mmask16>(left >= 16 ? 0xFFFF : left <= 0 ? 0 : (1u << left) - 1);
}

/// e^x, within about 1 ulp: x = k ln 2 + r with |r| <= ln 2 / 2, e^r by its Taylor series to r^7
/// (truncation error below 1e-8 relative, under a float ulp), times 2^k by vscalefps (which
/// gives 0 and infinity past the float range). x is clamped below at -104, where e^x is already 0.
DB_AVX512 inline __m512 exp_ps(__m512 x) {
  x = _mm512_max_ps(x, _mm512_set1_ps(-104.0f));
  const __m512 k = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  // r = x - k ln 2, with ln 2 split into a part exact in float and the rest.
  __m512 r = _mm512_fnmadd_ps(k, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(k, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.0f / 5040);
  for (float c : {1.0f / 720, 1.0f / 120, 1.0f / 24, 1.0f / 6, 0.5f, 1.0f, 1.0f})
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(c));
  return _mm512_scalef_ps(p, k);
}

}  // namespace deploybench::engine::detail
