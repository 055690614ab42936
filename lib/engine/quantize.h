#pragma once
// Symmetric group-wise int8 quantization (llama2.c runq.c's Q8_0): each group
// of `group` consecutive values shares scale = max|x| / 127, and q = round(x /
// scale) in [-127, 127].
#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/matrix.h"

namespace deploybench::engine {

/// Quantizes `x` (length a multiple of `group`) into `q` and one scale per
/// group.
void quantize_groups(std::span<const float> x, int group, std::span<std::int8_t> q, std::span<float> scale);

/// Quantizes `rows` activation rows of `cols` floats into `out` (resizing it),
/// with `group`.
void quantize_input(const float* x, int rows, int cols, int group, QuantizedInput& out);

/// quantize_input in two steps, so rows can be quantized in parallel: shape_input sizes `out`
/// for rows x cols with `group`; quantize_input_rows quantizes rows [r0, r1) of `x` (the whole
/// batch's base pointer) into it.
void shape_input(int rows, int cols, int group, QuantizedInput& out);
void quantize_input_rows(const float* x, int r0, int r1, QuantizedInput& out);
/// The same for groups [first, last) of `x` (group g is x[g * group, (g + 1) * group), counted
/// from row 0 across rows), so a task can quantize the columns it computed.
void quantize_input_groups(const float* x, std::size_t first, std::size_t last, QuantizedInput& out);

/// Writes row `row` of `m`, dequantized, into `out` (m.cols floats).
void dequantize_row(const Int8Matrix& m, int row, std::span<float> out);

/// The largest of 64 and 32 that divides every width in `widths`; 0 if none
/// does.
int choose_group_size(std::span<const int> widths);

}  // namespace deploybench::engine
