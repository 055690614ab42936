#pragma once
// Non-owning views of weight matrices and quantized activations. The storage
// behind a view is either owned memory (synthetic weights) or a memory-mapped
// checkpoint; see weights.h.
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

/// A batch of fp32 activation rows, as the fp32 matmul consumes them: rows x
/// cols.
struct Fp32Input {
  const float* data = nullptr;
  int rows = 0;
  int cols = 0;
};

/// A batch of activation rows quantized like Int8Matrix (same group size as the weights they
/// multiply). Per 4 consecutive values (one 32-bit lane of a dot product) it also holds
/// -128 * their sum, the correction the unsigned-by-signed VNNI product starts from (see
/// kernels_avx512.cpp), and their group's scale, so vector kernels load both instead of
/// rebuilding them for every weight row.
struct QuantizedInput {
  std::vector<std::int8_t> q;            // rows * cols
  std::vector<float> scale;              // rows * cols / group
  std::vector<std::int32_t> neg_offset;  // rows * cols / 4
  std::vector<float> lane_scale;         // rows * cols / 4
  int rows = 0;
  int cols = 0;
  int group = 0;
};

}  // namespace deploybench::engine
