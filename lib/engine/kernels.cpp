#include "engine/kernels.h"

#include <algorithm>
#include <cmath>

#include "core/check.h"
#include "engine/kernels_impl.h"
#include "engine/quantize.h"
#include "engine/thread_pool.h"

namespace deploybench::engine {
namespace {

detail::F32Rows f32_kernel(Isa isa, Fetch fetch = Fetch::Ahead) {
  switch (isa) {
    case Isa::Avx512Vnni:
      return fetch == Fetch::Hardware ? detail::f32_rows_avx512_hardware : detail::f32_rows_avx512;
    case Isa::Avx2:
      return detail::f32_rows_avx2;
    default:
      return detail::f32_rows_portable;
  }
}

detail::Q8Rows q8_kernel(Isa isa) {
  switch (isa) {
    case Isa::Avx512Vnni:
      return detail::q8_rows_avx512;
    case Isa::Avx2:
      return detail::q8_rows_avx2;
    default:
      return detail::q8_rows_portable;
  }
}

constexpr int kRowBlock = PackedInt8Matrix::kBlockRows;

int round_up_rows(int rows) { return (rows + kRowBlock - 1) / kRowBlock * kRowBlock; }

// Splits the rows of all jobs (concatenated, each rounded up to whole 16-row blocks, so every
// task starts at a packed int8 block) into tasks of whole blocks, about 8 per thread so a thread
// preempted by another process delays the step little. The pool runs each thread's share of
// tasks in order, so each thread streams one contiguous range of weight rows.
int rows_per_task(int total, const ThreadPool& pool) {
  return std::max(kRowBlock, round_up_rows(total / (pool.size() * 8)));
}

template <typename Matrix, typename Input, typename Kernel>
void run_jobs(ThreadPool& pool, std::span<const MatJob<Matrix>> jobs, const Input& x, Kernel kernel) {
  int total = 0;
  for (const auto& job : jobs) {
    DEPLOYBENCH_CHECK(job.w->cols == x.cols) << "matmul: weight cols " << job.w->cols << " != input cols " << x.cols;
    total += round_up_rows(job.w->rows);
  }
  const int per_task = rows_per_task(total, pool);
  const int tasks = (total + per_task - 1) / per_task;
  pool.run(tasks, [&](int task) {
    int begin = task * per_task;
    const int end = std::min(total, begin + per_task);
    int job_start = 0;
    for (const auto& job : jobs) {
      const int job_end = job_start + round_up_rows(job.w->rows);
      if (begin < job_end && begin < end) {
        const int stop = std::min(end, job_end);
        kernel(*job.w, x, job.out, begin - job_start, std::min(stop - job_start, job.w->rows));
        begin = stop;
      }
      job_start = job_end;
    }
  });
}

// Each task computes rows [r0, r1) of both gate and up, then applies SwiGLU to them, so the
// activation needs no serial pass after the matmul (a task's gate/up values are all its own).
detail::Swiglu swiglu_kernel(Isa isa) {
  return isa == Isa::Avx512Vnni ? detail::swiglu_avx512 : detail::swiglu_portable;
}

int group_of(const Fp32Input&) { return 0; }
int group_of(const QuantizedInput& x) { return x.group; }

// With `quantized`, tasks cover whole groups of gate's columns and quantize them too.
template <typename Matrix, typename Input, typename Kernel>
void run_swiglu(ThreadPool& pool, Isa isa, const Matrix& w1, const Matrix& w3, const Input& x, float* gate, float* up,
                Kernel kernel, QuantizedInput* quantized) {
  const detail::Swiglu activation = swiglu_kernel(isa);
  DEPLOYBENCH_CHECK(w1.cols == x.cols && w3.cols == x.cols && w1.rows == w3.rows) << "swiglu: shape mismatch";
  const int rows = w1.rows, group = group_of(x), unit = quantized ? std::max(kRowBlock, group) : kRowBlock;
  if (quantized) {
    DEPLOYBENCH_CHECK(rows % group == 0) << "swiglu: " << rows << " rows in groups of " << group;
    shape_input(x.rows, rows, group, *quantized);
  }
  const int per_task = (rows_per_task(2 * rows, pool) + unit - 1) / unit * unit;
  const int tasks = (rows + per_task - 1) / per_task;
  pool.run(tasks, [&](int task) {
    const int r0 = task * per_task, r1 = std::min(rows, r0 + per_task);
    kernel(w1, x, gate, r0, r1);
    kernel(w3, x, up, r0, r1);
    for (int b = 0; b < x.rows; ++b) {
      const std::size_t at = static_cast<std::size_t>(b) * rows + r0;
      activation(gate + at, up + at, r1 - r0);
      if (quantized) quantize_input_groups(isa, gate, at / group, (at + r1 - r0) / group, *quantized);
    }
  });
}

}  // namespace

void matmul_swiglu(ThreadPool& pool, Isa isa, const Fp32Matrix& w1, const Fp32Matrix& w3, const Fp32Input& x,
                   float* gate, float* up, Fetch fetch) {
  run_swiglu(pool, isa, w1, w3, x, gate, up, f32_kernel(isa, fetch), static_cast<QuantizedInput*>(nullptr));
}

void matmul_swiglu(ThreadPool& pool, Isa isa, const PackedInt8Matrix& w1, const PackedInt8Matrix& w3,
                   const QuantizedInput& x, float* gate, float* up, QuantizedInput* quantized) {
  DEPLOYBENCH_CHECK(w1.group == x.group && w3.group == x.group) << "swiglu: group size mismatch";
  run_swiglu(pool, isa, w1, w3, x, gate, up, q8_kernel(isa), quantized);
}

std::string_view to_string(Isa isa) {
  switch (isa) {
    case Isa::Avx512Vnni:
      return "avx512-vnni";
    case Isa::Avx2:
      return "avx2";
    default:
      return "portable";
  }
}

Isa detect_isa() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("fma"))
    return Isa::Avx512Vnni;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
#endif
  return Isa::Portable;
}

bool has_fetch_choice(Isa isa) { return isa == Isa::Avx512Vnni; }

void matmul(ThreadPool& pool, Isa isa, std::span<const MatJob<Fp32Matrix>> jobs, const Fp32Input& x, Fetch fetch) {
  run_jobs(pool, jobs, x, f32_kernel(isa, fetch));
}

void matmul(ThreadPool& pool, Isa isa, std::span<const MatJob<PackedInt8Matrix>> jobs, const QuantizedInput& x) {
  for (const auto& job : jobs) DEPLOYBENCH_CHECK(job.w->group == x.group) << "matmul: group size mismatch";
  run_jobs(pool, jobs, x, q8_kernel(isa));
}

namespace {
// The vector helpers of a path with only its own dot and axpy.
template <float (*Dot)(const float*, const float*, int), void (*Axpy)(float, const float*, float*, int)>
VectorOps composed_ops() {
  return {Dot,
          Axpy,
          detail::scores_by_dot<Dot>,
          detail::mix_by_axpy<Axpy>,
          detail::to_half_by_conversion,
          detail::scores_half_by_dot<Dot>,
          detail::mix_half_by_axpy<Axpy>,
          detail::attend_by_heads<float, detail::scores_by_dot<Dot>, detail::mix_by_axpy<Axpy>>,
          detail::attend_by_heads<std::uint16_t, detail::scores_half_by_dot<Dot>, detail::mix_half_by_axpy<Axpy>>};
}
}  // namespace

VectorOps vector_ops(Isa isa) {
  switch (isa) {
    case Isa::Avx512Vnni:
      return {detail::dot_avx512,      detail::axpy_avx512,    detail::scores_avx512,
              detail::mix_avx512,      detail::to_half_avx512, detail::scores_half_avx512,
              detail::mix_half_avx512, detail::attend_avx512,  detail::attend_half_avx512};
    case Isa::Avx2:
      return composed_ops<detail::dot_avx2, detail::axpy_avx2>();
    default:
      return composed_ops<detail::dot_portable, detail::axpy_portable>();
  }
}

// One e^(lse - max) per span and head: the outputs are summed with those weights, then divided
// by their total once.
void merge_attention(const float* outs, const float* lses, int parts, int heads, int n, float* out) {
  for (int h = 0; h < heads; ++h) {
    float max = lses[h];
    for (int p = 1; p < parts; ++p) max = std::max(max, lses[p * heads + h]);
    float* o = out + static_cast<std::size_t>(h) * n;
    for (int i = 0; i < n; ++i) o[i] = 0.0f;
    float total = 0.0f;
    for (int p = 0; p < parts; ++p) {
      const float w = std::exp(lses[p * heads + h] - max);
      total += w;
      const float* part = outs + (static_cast<std::size_t>(p) * heads + h) * n;
      for (int i = 0; i < n; ++i) o[i] += w * part[i];
    }
    const float inv = 1.0f / total;
    for (int i = 0; i < n; ++i) o[i] *= inv;
  }
}

void quantize_rows(Isa isa, const float* x, int r0, int r1, QuantizedInput& out) {
  const std::size_t cols = out.cols;
  quantize_input_groups(isa, x, r0 * cols / out.group, r1 * cols / out.group, out);
}

void quantize_input_groups(Isa isa, const float* x, std::size_t first, std::size_t last, QuantizedInput& out) {
  if (isa == Isa::Avx512Vnni && out.group % 16 == 0) {
    detail::quantize_groups_avx512(x, first, last, out);
  } else {
    quantize_input_groups(x, first, last, out);
  }
}

void matmul_rows(Isa isa, const Fp32Matrix& w, const Fp32Input& x, float* out, int r0, int r1, Fetch fetch) {
  f32_kernel(isa, fetch)(w, x, out, r0, r1);
}

void matmul_rows(Isa isa, const PackedInt8Matrix& w, const QuantizedInput& x, float* out, int r0, int r1) {
  q8_kernel(isa)(w, x, out, r0, r1);
}

}  // namespace deploybench::engine
