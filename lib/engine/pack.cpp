#include "engine/pack.h"

#include <cstring>

#include "core/check.h"

namespace deploybench::engine {
namespace {
constexpr int kRows = PackedInt8Matrix::kBlockRows;
}  // namespace

std::size_t packed_value_offset(const PackedInt8Matrix& m, int row, int col) {
  const int g = col / m.group, in_group = col % m.group;
  return static_cast<std::size_t>(row / kRows) * m.block_bytes() + g * m.group_bytes() + 64 +
         static_cast<std::size_t>(in_group / 4) * 64 + 4 * (row % kRows) + in_group % 4;
}

std::size_t packed_scale_offset(const PackedInt8Matrix& m, int row, int col) {
  return static_cast<std::size_t>(row / kRows) * m.block_bytes() + (col / m.group) * m.group_bytes() +
         sizeof(float) * (row % kRows);
}

PackedInt8Matrix pack_int8(const Int8Matrix& m, Arena& arena) {
  DEPLOYBENCH_CHECK(m.group > 0 && m.group % 4 == 0 && m.cols % m.group == 0)
      << "pack_int8: group " << m.group << " does not fit " << m.cols << " columns";
  PackedInt8Matrix p{nullptr, m.rows, m.cols, m.group};
  const std::size_t bytes = p.block_bytes() * p.blocks();
  auto* data = arena.allocate<std::byte>(bytes);
  p.data = data;
  const int groups = m.cols / m.group;
  for (int r = 0; r < p.blocks() * kRows; ++r) {
    const bool real = r < m.rows;
    const std::int8_t* q = m.q + static_cast<std::size_t>(real ? r : 0) * m.cols;
    for (int g = 0; g < groups; ++g) {
      const float s = real ? m.scale[static_cast<std::size_t>(r) * groups + g] : 0.0f;
      std::memcpy(data + packed_scale_offset(p, r, g * m.group), &s, sizeof s);
      // Steps of 4 columns: one 4-byte run per row and step.
      for (int c = g * m.group; c < (g + 1) * m.group; c += 4) {
        std::byte* at = data + packed_value_offset(p, r, c);
        for (int i = 0; i < 4; ++i) at[i] = static_cast<std::byte>((real ? q[c + i] : 0) + 128);
      }
    }
  }
  return p;
}

void dequantize_row(const PackedInt8Matrix& m, int row, std::span<float> out) {
  DEPLOYBENCH_CHECK(static_cast<int>(out.size()) == m.cols && row >= 0 && row < m.rows);
  for (int c = 0; c < m.cols; c += 4) {
    const std::byte* v = m.data + packed_value_offset(m, row, c);
    float s;
    std::memcpy(&s, m.data + packed_scale_offset(m, row, c), sizeof s);
    for (int i = 0; i < 4; ++i) out[c + i] = static_cast<float>(static_cast<int>(v[i]) - 128) * s;
  }
}

}  // namespace deploybench::engine
