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

void swiglu_portable(float* gate, const float* up, int n) {
  for (int i = 0; i < n; ++i) gate[i] = gate[i] / (1.0f + std::exp(-gate[i])) * up[i];
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
constexpr int kRows = PackedInt8Matrix::kBlockRows;

// One 16-row block against input row b: per group, the exact int32 sums of (w + 128) * x over
// the group, started from -128 * sum(x) (so each is the signed sum of w * x), then per row
// acc = fma(float(sum), weight scale * input scale, acc): the one rounding every path shares.
// The sums convert to float exactly (|sum| <= group * 127 * 127 < 2^24), and a sum times a float
// is exact in double, so the accumulators stay doubles holding float values (add_exact_product).
void q8_block(const PackedInt8Matrix& w, const QuantizedInput& x, const std::byte* base, int b, float* out) {
  const int groups = w.cols / w.group, steps = w.group / 4;
  const std::int8_t* xq = x.q.data() + static_cast<std::size_t>(b) * w.cols;
  double acc[kRows] = {};
  for (int g = 0; g < groups; ++g) {
    const std::byte* gp = base + g * w.group_bytes();
    const auto* v = reinterpret_cast<const std::uint8_t*>(gp + 64);
    const std::int8_t* xg = xq + g * w.group;
    std::int32_t sum[kRows];
    for (int i = 0; i < kRows; ++i) sum[i] = x.neg_sum[static_cast<std::size_t>(b) * groups + g];
    for (int s = 0; s < steps; ++s, v += 64, xg += 4) {
      for (int i = 0; i < kRows; ++i)
        sum[i] += v[4 * i] * xg[0] + v[4 * i + 1] * xg[1] + v[4 * i + 2] * xg[2] + v[4 * i + 3] * xg[3];
    }
    float ws[kRows];
    std::memcpy(ws, gp, sizeof ws);
    const float xs = x.scale[static_cast<std::size_t>(b) * groups + g];
    for (int i = 0; i < kRows; ++i)
      acc[i] = add_exact_product(static_cast<double>(sum[i]) * static_cast<double>(ws[i] * xs), acc[i]);
  }
  for (int i = 0; i < kRows; ++i) out[i] = static_cast<float>(acc[i]);  // exact
}
}  // namespace

void q8_rows_portable(const PackedInt8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1) {
  for_packed_blocks<1>(w, x.rows, r0, r1, [&](auto, const std::byte* base, int r, int b, int store) {
    float acc[kRows];
    q8_block(w, x, base, b, acc);
    std::memcpy(out + static_cast<std::size_t>(b) * w.rows + r, acc, sizeof(float) * store);
  });
}

}  // namespace deploybench::engine::detail
