#include "engine/quantize.h"

#include <algorithm>
#include <cmath>

#include "core/check.h"

namespace deploybench::engine {
namespace {
// Round half to even (as torch.round in llama2.c's export) without a libm call: adding 1.5 * 2^23
// pushes the fraction out of a float's mantissa. Valid for |v| < 2^22; quantized values are <= 127.
inline std::int8_t round_to_int8(float v) {
  constexpr float kMagic = 12582912.0f;
  return static_cast<std::int8_t>(static_cast<int>((v + kMagic) - kMagic));
}
}  // namespace

void quantize_groups(std::span<const float> x, int group, std::span<std::int8_t> q, std::span<float> scale) {
  DEPLOYBENCH_CHECK(group > 0 && x.size() % group == 0 && q.size() == x.size() && scale.size() == x.size() / group);
  const std::size_t groups = x.size() / group;
  for (std::size_t g = 0; g < groups; ++g) {
    const float* xs = x.data() + g * group;
    float max_abs = 0.0f;
    for (int i = 0; i < group; ++i) max_abs = std::max(max_abs, std::fabs(xs[i]));
    const float s = max_abs / 127.0f;
    const float inv = s > 0.0f ? 1.0f / s : 0.0f;
    scale[g] = s;
    for (int i = 0; i < group; ++i) q[g * group + i] = round_to_int8(xs[i] * inv);
  }
}

void shape_input(int rows, int cols, int group, QuantizedInput& out) {
  const std::size_t n = static_cast<std::size_t>(rows) * cols;
  out.rows = rows;
  out.cols = cols;
  out.group = group;
  out.q.resize(n);
  out.scale.resize(n / group);
  out.neg_sum.resize(n / group);
}

void quantize_input_rows(const float* x, int r0, int r1, QuantizedInput& out) {
  const std::size_t cols = out.cols;
  quantize_input_groups(x, r0 * cols / out.group, r1 * cols / out.group, out);
}

void quantize_input_groups(const float* x, std::size_t first, std::size_t last, QuantizedInput& out) {
  const int group = out.group;
  const std::size_t begin = first * group, end = last * group;
  quantize_groups({x + begin, end - begin}, group, {out.q.data() + begin, end - begin},
                  {out.scale.data() + begin / group, (end - begin) / group});
  for (std::size_t g = begin / group; g < end / group; ++g) {
    const std::int8_t* v = out.q.data() + g * group;
    std::int32_t sum = 0;
    for (int i = 0; i < group; ++i) sum += v[i];
    out.neg_sum[g] = -128 * sum;
  }
}

void quantize_input(const float* x, int rows, int cols, int group, QuantizedInput& out) {
  shape_input(rows, cols, group, out);
  quantize_input_rows(x, 0, rows, out);
}

void dequantize_row(const Int8Matrix& m, int row, std::span<float> out) {
  DEPLOYBENCH_CHECK(static_cast<int>(out.size()) == m.cols);
  const std::int8_t* q = m.q + static_cast<std::size_t>(row) * m.cols;
  const float* s = m.scale + static_cast<std::size_t>(row) * (m.cols / m.group);
  for (int i = 0; i < m.cols; ++i) out[i] = q[i] * s[i / m.group];
}

int choose_group_size(std::span<const int> widths) {
  for (int g : {64, 32}) {
    if (std::all_of(widths.begin(), widths.end(), [g](int w) { return w % g == 0; })) return g;
  }
  return 0;
}

}  // namespace deploybench::engine
