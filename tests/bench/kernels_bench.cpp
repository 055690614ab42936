// Kernel microbenchmarks: one weight matrix against a batch of inputs, per ISA path.
#include <benchmark/benchmark.h>

#include <vector>

#include "core/rng.h"
#include "engine/arena.h"
#include "engine/kernels.h"
#include "engine/pack.h"
#include "engine/quantize.h"

namespace {

using namespace deploybench::engine;

std::vector<float> random_values(std::size_t n) {
  deploybench::Rng rng(1);
  std::vector<float> v(n);
  for (float& x : v) x = static_cast<float>(rng.normal(0, 1));
  return v;
}

bool runnable(Isa isa) { return isa == Isa::Portable || static_cast<int>(isa) <= static_cast<int>(detect_isa()); }

// Args: isa, rows, cols, batch. Counters: multiply-accumulates and weight bytes per second.
void BM_MatmulInt8(benchmark::State& state) {
  const auto isa = static_cast<Isa>(state.range(0));
  const int rows = static_cast<int>(state.range(1)), cols = static_cast<int>(state.range(2));
  const int batch = static_cast<int>(state.range(3)), group = cols % 64 == 0 ? 64 : 32;
  if (!runnable(isa)) {
    state.SkipWithError("ISA not supported on this CPU");
    return;
  }
  const auto wf = random_values(static_cast<std::size_t>(rows) * cols);
  std::vector<std::int8_t> q(wf.size());
  std::vector<float> s(wf.size() / group);
  quantize_groups(wf, group, q, s);
  const auto xf = random_values(static_cast<std::size_t>(batch) * cols);
  QuantizedInput x;
  quantize_input(xf.data(), batch, cols, group, x);
  std::vector<float> out(static_cast<std::size_t>(batch) * rows);
  Arena arena;
  const PackedInt8Matrix w = pack_int8(Int8Matrix{q.data(), s.data(), rows, cols, group}, arena);
  for (auto _ : state) {
    matmul_rows(isa, w, x, out.data(), 0, rows);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetLabel(std::string(to_string(isa)));
  state.counters["MAC/s"] =
      benchmark::Counter(static_cast<double>(rows) * cols * batch, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["weight_B/s"] =
      benchmark::Counter(static_cast<double>(q.size() + 4 * s.size()), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_MatmulFp32(benchmark::State& state) {
  const auto isa = static_cast<Isa>(state.range(0));
  const int rows = static_cast<int>(state.range(1)), cols = static_cast<int>(state.range(2));
  const int batch = static_cast<int>(state.range(3));
  if (!runnable(isa)) {
    state.SkipWithError("ISA not supported on this CPU");
    return;
  }
  const auto wf = random_values(static_cast<std::size_t>(rows) * cols);
  const auto xf = random_values(static_cast<std::size_t>(batch) * cols);
  std::vector<float> out(static_cast<std::size_t>(batch) * rows);
  for (auto _ : state) {
    matmul_rows(isa, Fp32Matrix{wf.data(), rows, cols}, Fp32Input{xf.data(), batch, cols}, out.data(), 0, rows);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetLabel(std::string(to_string(isa)));
  state.counters["MAC/s"] =
      benchmark::Counter(static_cast<double>(rows) * cols * batch, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_QuantizeInput(benchmark::State& state) {
  const int rows = static_cast<int>(state.range(0)), cols = 768;
  const auto xf = random_values(static_cast<std::size_t>(rows) * cols);
  QuantizedInput x;
  for (auto _ : state) {
    quantize_input(xf.data(), rows, cols, 64, x);
    benchmark::DoNotOptimize(x.q.data());
  }
  state.SetItemsProcessed(state.iterations() * rows * cols);
}

void BM_AttentionDot(benchmark::State& state) {
  const auto isa = static_cast<Isa>(state.range(0));
  if (!runnable(isa)) {
    state.SkipWithError("ISA not supported on this CPU");
    return;
  }
  const auto a = random_values(64), b = random_values(64 * 512);
  const VectorOps ops = vector_ops(isa);
  for (auto _ : state) {
    float s = 0;
    for (int t = 0; t < 512; ++t) s += ops.dot(a.data(), b.data() + 64 * t, 64);
    benchmark::DoNotOptimize(s);
  }
  state.SetLabel(std::string(to_string(isa)));
  state.SetItemsProcessed(state.iterations() * 512);
}

// 768 x 768 (a base attention projection), 2048 x 768 (a base FFN matrix) and 768 x 288 (a tiny FFN matrix,
// group 32); batch 1, 4, 8.
void matmul_args(benchmark::internal::Benchmark* b) {
  for (int isa : {0, 1, 2}) {
    for (auto [rows, cols] : {std::pair{768, 768}, std::pair{2048, 768}, std::pair{768, 288}}) {
      for (int batch : {1, 4, 8}) b->Args({isa, rows, cols, batch});
    }
  }
  b->ArgNames({"isa", "rows", "cols", "batch"});
}

BENCHMARK(BM_MatmulInt8)->Apply(matmul_args);
BENCHMARK(BM_MatmulFp32)->Apply(matmul_args);
BENCHMARK(BM_QuantizeInput)->Arg(1)->Arg(64);
BENCHMARK(BM_AttentionDot)->DenseRange(0, 2);

}  // namespace

namespace {
// Int8 matmul streaming from DRAM: one 65536 x 768 matrix (50 MB, larger than
// the L3), as decode streams every layer's weights. Values come from a cheap
// hash: the kernel's speed does not depend on them. Args: isa, batch. Counter:
// weight bytes per second.
void BM_MatmulInt8Dram(benchmark::State& state) {
  const auto isa = static_cast<Isa>(state.range(0));
  const int rows = 65536, cols = 768, group = 64, batch = static_cast<int>(state.range(1));
  if (!runnable(isa)) {
    state.SkipWithError("ISA not supported on this CPU");
    return;
  }
  // Row-major values in plain vectors; the packed copy the kernels read is in huge-page memory
  // like the model's weights (4 KiB pages would add TLB misses the model has not).
  const std::size_t n = static_cast<std::size_t>(rows) * cols;
  std::vector<std::int8_t> q(n);
  std::vector<float> s(n / group, 0.01f);
  for (std::size_t i = 0; i < n; ++i) q[i] = static_cast<std::int8_t>((i * 2654435761u) >> 24);
  Arena arena;
  const auto xf = random_values(static_cast<std::size_t>(batch) * cols);
  QuantizedInput x;
  quantize_input(xf.data(), batch, cols, group, x);
  std::vector<float> out(static_cast<std::size_t>(batch) * rows);
  const PackedInt8Matrix w = pack_int8(Int8Matrix{q.data(), s.data(), rows, cols, group}, arena);
  for (auto _ : state) {
    matmul_rows(isa, w, x, out.data(), 0, rows);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetLabel(std::string(to_string(isa)));
  state.counters["weight_B/s"] =
      benchmark::Counter(static_cast<double>(n + 4 * (n / group)), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_MatmulInt8Dram)->Args({2, 1})->Args({2, 8})->Args({1, 1})->ArgNames({"isa", "batch"});

// Fp32 matmul streaming from DRAM, one thread, with each way of fetching the weights (Fetch,
// kernels.h; the model's FetchTuner picks between them while decoding): 16384 x 3072 (200 MB) in
// huge-page memory. Args: fetch (0 ahead, 1 hardware), batch. Counter: weight bytes per second.
void BM_MatmulFp32Dram(benchmark::State& state) {
  const auto fetch = state.range(0) == 0 ? Fetch::Ahead : Fetch::Hardware;
  const int rows = 16384, cols = 3072, batch = static_cast<int>(state.range(1));
  if (!has_fetch_choice(detect_isa())) {
    state.SkipWithError("this CPU's fp32 kernels have one way of fetching");
    return;
  }
  const std::size_t n = static_cast<std::size_t>(rows) * cols;
  Arena arena;
  float* w = arena.allocate<float>(n);
  for (std::size_t i = 0; i < n; ++i) w[i] = static_cast<float>((i * 2654435761u) >> 24) * 0x1p-8f - 0.5f;
  const auto xf = random_values(static_cast<std::size_t>(batch) * cols);
  std::vector<float> out(static_cast<std::size_t>(batch) * rows);
  for (auto _ : state) {
    matmul_rows(detect_isa(), Fp32Matrix{w, rows, cols}, Fp32Input{xf.data(), batch, cols}, out.data(), 0, rows, fetch);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetLabel(fetch == Fetch::Ahead ? "ahead" : "hardware");
  state.counters["weight_B/s"] =
      benchmark::Counter(static_cast<double>(n * sizeof(float)), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_MatmulFp32Dram)->Args({0, 1})->Args({1, 1})->Args({0, 4})->ArgNames({"fetch", "batch"});
}  // namespace
