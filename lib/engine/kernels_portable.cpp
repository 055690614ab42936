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

float fused_multiply_add(float a, float b, float c) {
  // std::fma on a CPU without FMA (qemu64 under TCG, old x86) falls back to glibc's software
  // fmaf, which switches rounding modes per call and made refbot ~10x slower in the VM. Here:
  // the product of two floats is exact in double (24 + 24 bits); the sum is rounded to odd
  // (TwoSum gives its exact error; an inexact even result moves one ulp toward the exact
  // value), and a double rounded to odd then rounded to float is the correctly rounded result
  // because 53 >= 2 * 24 + 2 (Boldo and Melquiond). Finite inputs only, as the kernels have.
  const double p = static_cast<double>(a) * static_cast<double>(b);
  const double cd = c;
  double s = p + cd;
  const double bv = s - p;
  const double err = (p - (s - bv)) + (cd - bv);
  if (err != 0) {
    std::uint64_t bits;
    std::memcpy(&bits, &s, sizeof bits);
    if ((bits & 1u) == 0) s = std::nextafter(s, err > 0 ? HUGE_VAL : -HUGE_VAL);
  }
  return static_cast<float>(s);
}

namespace {
float q8_dot(const std::int8_t* w, const float* sw, const std::int8_t* x, const float* sx, int n, int group) {
  float lanes[16] = {};
  for (int c = 0; c < n / 32; ++c) {
    const float s = chunk_scale(sw, sx, c, group);
    float* acc = lanes + (c & 1) * 8;
    for (int i = 0; i < 8; ++i) {
      const std::int8_t* wi = w + c * 32 + 4 * i;
      const std::int8_t* xi = x + c * 32 + 4 * i;
      const std::int32_t sum = wi[0] * xi[0] + wi[1] * xi[1] + wi[2] * xi[2] + wi[3] * xi[3];
      acc[i] = fused_multiply_add(static_cast<float>(sum), s, acc[i]);  // one rounding, as the vector FMA
    }
  }
  return reduce16(lanes);
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
