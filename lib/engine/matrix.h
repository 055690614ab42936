#pragma once
// Non-owning views of weight matrices and quantized activations. The storage
// behind a view is either owned memory (synthetic weights) or a memory-mapped
// checkpoint; see weights.h.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace deploybench::engine {

/// Row-major fp32 matrix, rows x cols (llama2.c's W in out = W x).
struct Fp32Matrix {
  const float* data = nullptr;
  int rows = 0;
  int cols = 0;
};

/// Row-major int8 matrix quantized symmetrically in groups of `group`
/// consecutive values of a row: value = q[i] * scale[i / group]. The group size
/// travels with the data.
struct Int8Matrix {
  const std::int8_t* q = nullptr;  // rows * cols
  const float* scale = nullptr;    // rows * cols / group
  int rows = 0;
  int cols = 0;
  int group = 0;
};

/// An Int8Matrix repacked at load time for the int8 kernels (VNNI order): rows in blocks of 16
/// (the last block padded with zero rows), each block one contiguous run of
/// `block_bytes()` bytes. Per block, per group of `group` columns: the 16 rows' scales (16
/// floats, 64 bytes), then group / 4 steps of 64 bytes, step s holding columns 4s..4s+3 of the
/// group for row i at bytes 4i..4i+3, each stored as its value + 128 (an unsigned byte, what
/// VNNI's dpbusd multiplies by a signed input byte). One 64-byte load feeds 16 rows with 4
/// columns each, so a kernel needs no horizontal sums and one weight load serves every input.
struct PackedInt8Matrix {
  const std::byte* data = nullptr;  // blocks() * block_bytes(), 64-byte aligned
  int rows = 0;
  int cols = 0;
  int group = 0;
  static constexpr int kBlockRows = 16;
  int blocks() const { return (rows + kBlockRows - 1) / kBlockRows; }
  std::size_t group_bytes() const { return 64 + static_cast<std::size_t>(kBlockRows) * group; }
  std::size_t block_bytes() const { return group_bytes() * static_cast<std::size_t>(cols / group); }
};

/// A batch of fp32 activation rows, as the fp32 matmul consumes them: rows x
/// cols.
struct Fp32Input {
  const float* data = nullptr;
  int rows = 0;
  int cols = 0;
};

/// A batch of activation rows quantized like Int8Matrix (same group size as the weights they
/// multiply). Per group it also holds -128 * the sum of its values, the correction the
/// unsigned-by-signed VNNI product (weights stored + 128) starts from.
struct QuantizedInput {
  std::vector<std::int8_t> q;         // rows * cols
  std::vector<float> scale;           // rows * cols / group
  std::vector<std::int32_t> neg_sum;  // rows * cols / group
  int rows = 0;
  int cols = 0;
  int group = 0;
};

}  // namespace deploybench::engine
