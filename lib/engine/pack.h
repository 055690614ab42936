#pragma once
// The int8 kernels' weight layout (PackedInt8Matrix, matrix.h): built from a row-major
// Int8Matrix when a model loads, so checkpoints and export keep llama2.c's format.
#include <cstdint>
#include <span>

#include "engine/arena.h"
#include "engine/matrix.h"

namespace deploybench::engine {

/// `m` repacked into memory from `arena` (m.rows rounded up to whole 16-row blocks; padding
/// rows are zero values with zero scales). Needs m.cols % m.group == 0 and a group that is a
/// multiple of 4.
PackedInt8Matrix pack_int8(const Int8Matrix& m, Arena& arena);

/// The byte offset of column `col` of row `row % 16` within block `row / 16` (see
/// PackedInt8Matrix), and of that row's scale for the group holding `col`.
std::size_t packed_value_offset(const PackedInt8Matrix& m, int row, int col);
std::size_t packed_scale_offset(const PackedInt8Matrix& m, int row, int col);

/// Writes row `row` of `m`, dequantized, into `out` (m.cols floats): the same values as
/// dequantize_row of the Int8Matrix it was packed from.
void dequantize_row(const PackedInt8Matrix& m, int row, std::span<float> out);

}  // namespace deploybench::engine
