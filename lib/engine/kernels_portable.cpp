// Portable kernels: the reference every vector path must reproduce (exactly,
// for int8).
#include <cmath>
#include <cstdint>
#include <cstring>

#include "engine/kernels_impl.h"

namespace deploybench::engine::detail {

void f32_rows_portable(const Fp32Matrix& w, const Fp32Input& x, float* out, int r0, int r1) {
  const int n = w.cols;
  for (int r = r0; r < r1; ++r) {
    const float* wr = w.data + static_cast<std::size_t>(r) * n;
    for (int b = 0; b < x.rows; ++b) {
      const float* xb = x.data + static_cast<std::size_t>(b) * n;
      float acc[8] = {};
      for (int i = 0; i < n; i += 8) {
        for (int j = 0; j < 8; ++j) acc[j] += wr[i + j] * xb[i + j];
      }
      out[static_cast<std::size_t>(b) * w.rows + r] =
          ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    }
  }
}

float dot_portable(const float* a, const float* b, int n) {
  float acc[4] = {};
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    for (int j = 0; j < 4; ++j) acc[j] += a[i + j] * b[i + j];
  }
  for (; i < n; ++i) acc[0] += a[i] * b[i];
  return (acc[0] + acc[2]) + (acc[1] + acc[3]);
}

void axpy_portable(float a, const float* x, float* y, int n) {
  for (int i = 0; i < n; ++i) y[i] += a * x[i];
}

namespace {

// The exact path of add_exact_product for the rare sums the fast path cannot round: the sum is
// rounded to odd (TwoSum gives its exact error; an inexact even result moves one ulp toward the
// exact value), and a double rounded to odd then rounded to float is the correctly rounded
// result because 53 >= 2 * 24 + 2 (Boldo and Melquiond).
[[gnu::noinline]] float add_rounded_to_odd(double p, double c) {
  double s = p + c;
  const double bv = s - p;
  const double err = (p - (s - bv)) + (c - bv);
  if (err != 0) {
    std::uint64_t bits;
    std::memcpy(&bits, &s, sizeof bits);
    if ((bits & 1u) == 0) s = std::nextafter(s, err > 0 ? HUGE_VAL : -HUGE_VAL);
  }
  return static_cast<float>(s);
}

// RN_float(p + c), the sum rounded once to float, returned as the double holding it exactly;
// p is exact in double (a product of two floats, or an int32 sum times a float) and c holds a
// float. This is what the vector paths' FMA computes. The sum is rounded to double first and
// then to float (in integer arithmetic, at mantissa bit 29, ties to even). Rounding twice differs
// from rounding once only when the double lands exactly on a midpoint between two floats
// (midpoints are doubles and rounding is monotonic, so otherwise the double and the exact sum
// are on the same side of every float and midpoint); that case, zero, and results outside the
// float normal range take the exact path. Why not plain float conversions: under emulation
// (qemu TCG) each floating-point instruction is a helper call and conversions are the slowest,
// so the common case here costs an add in double and integer bit operations.
inline double add_exact_product(double p, double c) {
  const double s = p + c;
  std::uint64_t bits;
  std::memcpy(&bits, &s, sizeof bits);
  constexpr std::uint64_t kLow = (std::uint64_t{1} << 29) - 1;  // double mantissa bits below a float's
  constexpr std::uint64_t kHalf = std::uint64_t{1} << 28;       // a float midpoint's low bits
  constexpr std::uint64_t kMinExponent = 1023 - 126;            // biased double exponents of 2^-126 ..
  constexpr std::uint64_t kMaxExponent = 1023 + 126;            // .. 2^126 (no rounding up to 2^128)
  const std::uint64_t exponent = (bits >> 52) & 0x7ff;
  if (exponent - kMinExponent <= kMaxExponent - kMinExponent && (bits & kLow) != kHalf) [[likely]] {
    bits = (bits + (kHalf - 1) + ((bits >> 29) & 1)) & ~kLow;  // a carry moves into the exponent
    double rounded;
    std::memcpy(&rounded, &bits, sizeof rounded);
    return rounded;
  }
  return add_rounded_to_odd(p, c);
}

}  // namespace

float fused_multiply_add(float a, float b, float c) {
  // std::fma on a CPU without FMA (qemu64 under TCG, old x86) falls back to glibc's software
  // fmaf, which switches rounding modes per call and made refbot ~10x slower in the VM. The
  // product of two floats is exact in double (24 + 24 bits). Finite inputs only, as the kernels
  // have.
  return static_cast<float>(add_exact_product(static_cast<double>(a) * static_cast<double>(b), c));
}

namespace {
float q8_dot(const std::int8_t* w, const float* sw, const std::int8_t* x, const float* sx, int n, int group) {
  double lanes[16] = {};  // float values, held as doubles between the fused steps
  const int group_shift = __builtin_ctz(static_cast<unsigned>(group / 32));  // groups are powers of two
  for (int c = 0; c < n / 32; ++c) {
    const double s = sw[c >> group_shift] * sx[c >> group_shift];  // chunk_scale without a divide
    double* acc = lanes + (c & 1) * 8;
    for (int i = 0; i < 8; ++i) {
      const std::int8_t* wi = w + c * 32 + 4 * i;
      const std::int8_t* xi = x + c * 32 + 4 * i;
      const std::int32_t sum = wi[0] * xi[0] + wi[1] * xi[1] + wi[2] * xi[2] + wi[3] * xi[3];
      // One rounding, as the vector FMA: an int32 (17 bits here) times a float is exact in double.
      acc[i] = add_exact_product(static_cast<double>(sum) * s, acc[i]);
    }
  }
  float rounded[16];
  for (int i = 0; i < 16; ++i) rounded[i] = static_cast<float>(lanes[i]);  // exact
  return reduce16(rounded);
}
}  // namespace

void q8_rows_portable(const Int8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1) {
  const int n = w.cols, groups = n / w.group;
  for (int r = r0; r < r1; ++r) {
    const std::int8_t* wr = w.q + static_cast<std::size_t>(r) * n;
    const float* sw = w.scale + static_cast<std::size_t>(r) * groups;
    for (int b = 0; b < x.rows; ++b) {
      out[static_cast<std::size_t>(b) * w.rows + r] =
          q8_dot(wr, sw, x.q.data() + static_cast<std::size_t>(b) * n,
                 x.scale.data() + static_cast<std::size_t>(b) * groups, n, w.group);
    }
  }
}

}  // namespace deploybench::engine::detail
