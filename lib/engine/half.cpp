#include "engine/half.h"

#include <cstring>

namespace deploybench::engine {
namespace {
constexpr std::uint32_t kFloatExponentBias = 127, kHalfExponentBias = 15;
constexpr std::uint32_t kRebias = (kFloatExponentBias - kHalfExponentBias) << 23;
constexpr std::uint32_t kFloatInf = 0x7f800000;
constexpr std::uint32_t kRoundsToHalfInf = 0x477ff000;     // 65520: the tie above 65504 (odd) goes up
constexpr std::uint32_t kSmallestHalfNormal = 0x38800000;  // 2^-14

// Rounds `mantissa` (with its implicit bit) shifted right by `shift` (1..31) to nearest, ties
// to even.
std::uint32_t shift_rounded(std::uint32_t mantissa, std::uint32_t shift) {
  const std::uint32_t kept = mantissa >> shift, rest = mantissa & ((1u << shift) - 1), half = 1u << (shift - 1);
  return kept + (rest > half || (rest == half && (kept & 1u)) ? 1u : 0u);
}
}  // namespace

std::uint16_t float_to_half(float f) {
  std::uint32_t x;
  std::memcpy(&x, &f, sizeof x);
  const std::uint32_t sign = (x >> 16) & 0x8000u, ax = x & 0x7fffffffu;
  std::uint32_t h;
  if (ax > kFloatInf) {
    h = 0x7e00u | ((ax >> 13) & 0x3ffu);  // NaN, quiet
  } else if (ax >= kRoundsToHalfInf) {
    h = 0x7c00u;
  } else if (ax >= kSmallestHalfNormal) {
    h = shift_rounded(ax - kRebias, 13);  // a carry out of the mantissa moves into the exponent
  } else {
    // Subnormal half m * 2^-24: the float is (mantissa | 2^23) * 2^(e - 150), so m is that
    // mantissa shifted right by 126 - e, rounded; below 2^-25 (e < 102) everything rounds to 0.
    const std::uint32_t e = ax >> 23;
    h = e < 102 ? 0u : shift_rounded((ax & 0x7fffffu) | 0x800000u, 126 - e);
  }
  return static_cast<std::uint16_t>(sign | h);
}

float half_to_float(std::uint16_t h) {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16, e = (h >> 10) & 0x1fu, m = h & 0x3ffu;
  std::uint32_t x;
  if (e == 0x1f) {
    x = sign | kFloatInf | (m << 13) | (m != 0 ? 0x400000u : 0u);
  } else if (e != 0) {
    x = sign | (((e + kFloatExponentBias - kHalfExponentBias)) << 23) | (m << 13);
  } else if (m == 0) {
    x = sign;
  } else {
    // Subnormal m * 2^-24: normalize so the leading bit becomes the implicit one.
    int shift = 0;
    while ((m << shift & 0x400u) == 0) ++shift;
    x = sign | ((kFloatExponentBias - kHalfExponentBias + 1 - shift) << 23) | (((m << shift) & 0x3ffu) << 13);
  }
  float f;
  std::memcpy(&f, &x, sizeof f);
  return f;
}

}  // namespace deploybench::engine
