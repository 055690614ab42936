#include "engine/kernels.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>

#include "core/rng.h"
#include "engine/arena.h"
#include "engine/kernels_impl.h"
#include "engine/pack.h"
#include "engine/quantize.h"
#include "engine/thread_pool.h"
#include "test_model.h"

using namespace deploybench;
using namespace deploybench::engine;

namespace {
std::vector<float> random_vector(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (float& x : v) x = static_cast<float>(rng.normal(0.0, 1.0));
  return v;
}
}  // namespace

// A random int8 matrix, row-major (as loaded) and packed for the kernels. With `extreme`, its
// first value is -128, which llama2.c's export never writes but a file may hold.
struct RandomInt8 {
  RandomInt8(int rows, int cols, int group, std::uint64_t seed, bool extreme = false)
      : wf(random_vector(static_cast<std::size_t>(rows) * cols, seed)) {
    wq.resize(wf.size());
    ws.resize(wf.size() / group);
    quantize_groups(wf, group, wq, ws);
    if (extreme) wq[0] = -128;
    rowmajor = Int8Matrix{wq.data(), ws.data(), rows, cols, group};
    packed = pack_int8(rowmajor, arena);
  }
  std::vector<float> wf;
  std::vector<std::int8_t> wq;
  std::vector<float> ws;
  Arena arena;
  Int8Matrix rowmajor;
  PackedInt8Matrix packed;
};

TEST_CASE("packing keeps every int8 value and scale of every row") {
  for (int rows : {1, 16, 37}) {
    const RandomInt8 m(rows, 96, 32, 30 + rows, true);
    CHECK(m.packed.blocks() == (rows + 15) / 16);
    std::vector<float> want(96), got(96);
    for (int r = 0; r < rows; ++r) {
      dequantize_row(m.rowmajor, r, want);
      dequantize_row(m.packed, r, got);
      INFO("rows " << rows << " row " << r);
      REQUIRE(got == want);
    }
  }
}

TEST_CASE("packed int8 matmul fuses each group's exact sum in group order") {
  const int rows = 21, cols = 128, group = 32, batch = 2;
  const RandomInt8 m(rows, cols, group, 40, true);
  auto xf = random_vector(static_cast<std::size_t>(batch) * cols, 41);
  QuantizedInput x;
  quantize_input(xf.data(), batch, cols, group, x);
  std::vector<float> got(static_cast<std::size_t>(batch) * rows);
  matmul_rows(Isa::Portable, m.packed, x, got.data(), 0, rows);
  for (int b = 0; b < batch; ++b) {
    for (int r = 0; r < rows; ++r) {
      float acc = 0.0f;
      for (int g = 0; g < cols / group; ++g) {
        std::int32_t sum = 0;
        for (int i = g * group; i < (g + 1) * group; ++i) sum += m.wq[r * cols + i] * x.q[b * cols + i];
        acc = std::fma(static_cast<float>(sum), m.ws[r * (cols / group) + g] * x.scale[b * (cols / group) + g], acc);
      }
      INFO("row " << r << " input " << b);
      REQUIRE(got[b * rows + r] == acc);
    }
  }
}

TEST_CASE("int8 matmul gives bit-identical results on every ISA path") {
  for (int cols : {32, 64, 96, 288, 768, 1088}) {
    for (int group : {32, 64, 128}) {
      if (cols % group != 0) continue;
      const int rows = 37;  // two whole 16-row blocks and a padded one
      const RandomInt8 m(rows, cols, group, 1, true);
      for (int batch : {1, 3, 4, 7, 8, 9, 13}) {  // inputs run in 8s (AVX-512) and 4s (AVX2)
        QuantizedInput x;
        auto xf = random_vector(static_cast<std::size_t>(batch) * cols, 2 + batch);
        quantize_input(xf.data(), batch, cols, group, x);
        std::vector<float> expected(static_cast<std::size_t>(batch) * rows);
        matmul_rows(Isa::Portable, m.packed, x, expected.data(), 0, rows);
        for (Isa isa : testing::runnable_isas()) {
          std::vector<float> got(expected.size(), -1.0f), split(expected.size(), -1.0f);
          matmul_rows(isa, m.packed, x, got.data(), 0, rows);
          matmul_rows(isa, m.packed, x, split.data(), 0, 16);  // row ranges as the pool's tasks cut them
          matmul_rows(isa, m.packed, x, split.data(), 16, rows);
          INFO("isa " << to_string(isa) << " cols " << cols << " group " << group << " batch " << batch);
          REQUIRE(got == expected);
          REQUIRE(split == expected);
        }
      }
    }
  }
}

TEST_CASE("int8 matmul approximates the fp32 product") {
  const int rows = 16, cols = 256, group = 64;
  const RandomInt8 m(rows, cols, group, 3);
  auto xf = random_vector(cols, 4);
  QuantizedInput x;
  quantize_input(xf.data(), 1, cols, group, x);
  std::vector<float> out(rows);
  matmul_rows(detect_isa(), m.packed, x, out.data(), 0, rows);
  double err = 0, norm = 0;
  for (int r = 0; r < rows; ++r) {
    double exact = 0;
    for (int i = 0; i < cols; ++i) exact += static_cast<double>(m.wf[r * cols + i]) * xf[i];
    err += (out[r] - exact) * (out[r] - exact);
    norm += exact * exact;
  }
  CHECK(std::sqrt(err / norm) < 0.02);
}

TEST_CASE("fp32 matmul matches a double-precision product on every ISA path") {
  const int rows = 29, cols = 96, batch = 5;
  auto wf = random_vector(static_cast<std::size_t>(rows) * cols, 5);
  auto xf = random_vector(static_cast<std::size_t>(batch) * cols, 6);
  for (Isa isa : testing::runnable_isas()) {
    std::vector<float> out(static_cast<std::size_t>(batch) * rows);
    matmul_rows(isa, Fp32Matrix{wf.data(), rows, cols}, Fp32Input{xf.data(), batch, cols}, out.data(), 0, rows);
    for (int b = 0; b < batch; ++b) {
      for (int r = 0; r < rows; ++r) {
        double exact = 0;
        for (int i = 0; i < cols; ++i) exact += static_cast<double>(wf[r * cols + i]) * xf[b * cols + i];
        INFO("isa " << to_string(isa));
        CHECK(out[b * rows + r] == Approx(exact).epsilon(1e-5).margin(1e-5));
      }
    }
  }
}

TEST_CASE("both ways of fetching fp32 weights give bit-identical results") {
  const int rows = 37, cols = 800;  // rows longer than the 2 KiB prefetch distance
  auto wf = random_vector(static_cast<std::size_t>(rows) * cols, 15);
  for (int batch : {1, 2, 4, 5}) {
    auto xf = random_vector(static_cast<std::size_t>(batch) * cols, 16 + batch);
    for (Isa isa : testing::runnable_isas()) {
      std::vector<float> ahead(static_cast<std::size_t>(batch) * rows), hardware(ahead.size(), -1.0f);
      const Fp32Matrix w{wf.data(), rows, cols};
      const Fp32Input x{xf.data(), batch, cols};
      matmul_rows(isa, w, x, ahead.data(), 0, rows, Fetch::Ahead);
      matmul_rows(isa, w, x, hardware.data(), 0, rows, Fetch::Hardware);
      INFO("isa " << to_string(isa) << " batch " << batch);
      REQUIRE(std::memcmp(ahead.data(), hardware.data(), sizeof(float) * ahead.size()) == 0);
    }
  }
  CHECK(has_fetch_choice(Isa::Avx512Vnni));
  CHECK_FALSE(has_fetch_choice(Isa::Portable));
}

TEST_CASE("threaded fused matmul equals the single-threaded kernel") {
  const int cols = 64, batch = 3;
  auto af = random_vector(100 * cols, 7), bf = random_vector(45 * cols, 8), xf = random_vector(batch * cols, 9);
  const Fp32Matrix a{af.data(), 100, cols}, b{bf.data(), 45, cols};
  const Fp32Input x{xf.data(), batch, cols};
  std::vector<float> ea(batch * 100), eb(batch * 45), ga(ea.size()), gb(eb.size());
  matmul_rows(Isa::Portable, a, x, ea.data(), 0, 100);
  matmul_rows(Isa::Portable, b, x, eb.data(), 0, 45);
  ThreadPool pool(3);
  const MatJob<Fp32Matrix> jobs[] = {{&a, ga.data()}, {&b, gb.data()}};
  for (int repeat = 0; repeat < 50; ++repeat) {
    matmul(pool, Isa::Portable, jobs, x);
    REQUIRE(ga == ea);
    REQUIRE(gb == eb);
  }
}

TEST_CASE("vector helpers agree with plain loops") {
  auto a = random_vector(75, 10), b = random_vector(75, 11);
  for (Isa isa : testing::runnable_isas()) {
    const VectorOps ops = vector_ops(isa);
    double exact = 0;
    for (int i = 0; i < 75; ++i) exact += static_cast<double>(a[i]) * b[i];
    CHECK(ops.dot(a.data(), b.data(), 75) == Approx(exact).epsilon(1e-5));
    auto y = b;
    ops.axpy(0.5f, a.data(), y.data(), 75);
    for (int i = 0; i < 75; ++i) CHECK(y[i] == Approx(b[i] + 0.5f * a[i]));
  }
}

TEST_CASE("attention scores and mix agree with plain loops") {
  // Head sizes around the vector widths (16 floats, 64 per mix block), key counts around the blocks of 4.
  for (int n : {8, 48, 64, 75, 130}) {
    for (int count : {1, 3, 4, 9}) {
      const std::size_t stride = n + 5;  // keys of other heads lie between positions
      auto q = random_vector(n, 20), kv = random_vector(stride * count, 21), a = random_vector(count, 22);
      for (Isa isa : testing::runnable_isas()) {
        INFO("isa " << to_string(isa) << " n " << n << " count " << count);
        const VectorOps ops = vector_ops(isa);
        std::vector<float> scores(count), mixed(n + 1, 7.0f);
        ops.scores(q.data(), kv.data(), stride, count, n, 0.5f, scores.data());
        ops.mix(a.data(), kv.data(), stride, count, n, mixed.data());
        for (int t = 0; t < count; ++t) {
          double exact = 0;
          for (int i = 0; i < n; ++i) exact += static_cast<double>(q[i]) * kv[t * stride + i];
          CHECK(scores[t] == Approx(0.5 * exact).epsilon(1e-5).margin(1e-5));
        }
        for (int i = 0; i < n; ++i) {
          double exact = 0;
          for (int t = 0; t < count; ++t) exact += static_cast<double>(a[t]) * kv[t * stride + i];
          CHECK(mixed[i] == Approx(exact).epsilon(1e-5).margin(1e-5));
        }
        CHECK(mixed[n] == 7.0f);  // nothing written past n
      }
    }
  }
}

TEST_CASE("quantization error stays within half a step") {
  auto v = random_vector(128, 12);
  std::vector<std::int8_t> q(128);
  std::vector<float> s(4);
  quantize_groups(v, 32, q, s);
  for (int i = 0; i < 128; ++i) CHECK(std::fabs(q[i] * s[i / 32] - v[i]) <= s[i / 32] * 0.5f + 1e-6f);
  const int widths[] = {288, 768};
  CHECK(choose_group_size(widths) == 32);
  const int wide[] = {768, 2048};
  CHECK(choose_group_size(wide) == 64);
}

TEST_CASE("every ISA path quantizes activations to the portable values, scales and sums") {
  for (int group : {32, 64}) {
    // Rows 1..2 of 4, with a zero group (scale 0), ties at +-0.5 steps and the extremes.
    auto x = random_vector(4 * 192, static_cast<std::uint64_t>(group));
    for (int i = 192; i < 192 + group; ++i) x[i] = 0.0f;
    x[192 + group] = 127.0f;
    x[192 + group + 1] = 0.5f;
    x[192 + group + 2] = -1.5f;
    x[192 + group + 3] = -127.0f;
    QuantizedInput expected;
    shape_input(4, 192, group, expected);
    quantize_input_rows(x.data(), 1, 3, expected);
    for (Isa isa : testing::runnable_isas()) {
      INFO("isa " << to_string(isa) << " group " << group);
      QuantizedInput got;
      shape_input(4, 192, group, got);
      quantize_rows(isa, x.data(), 1, 3, got);
      CHECK(got.q == expected.q);
      CHECK(got.scale == expected.scale);
      CHECK(got.neg_sum == expected.neg_sum);
    }
  }
}

TEST_CASE("the SwiGLU activation is silu(gate) * up on every ISA path") {
  auto gate = random_vector(75, 30), up = random_vector(75, 31);
  gate[0] = -200.0f;  // e^200 overflows: silu is -0
  gate[1] = 90.0f;
  for (Isa isa : testing::runnable_isas()) {
    INFO("isa " << to_string(isa));
    ThreadPool pool(1);
    // Column 0 of w1 (w3) holds gate (up), so w x with x = (1, 0, ...) gives them exactly.
    std::vector<float> w1(75 * 32, 0.0f), w3(75 * 32, 0.0f);
    for (int r = 0; r < 75; ++r) {
      w1[r * 32] = gate[r];
      w3[r * 32] = up[r];
    }
    std::vector<float> x(32, 0.0f), out(75), scratch(75);
    x[0] = 1.0f;
    matmul_swiglu(pool, isa, Fp32Matrix{w1.data(), 75, 32}, Fp32Matrix{w3.data(), 75, 32}, Fp32Input{x.data(), 1, 32},
                  out.data(), scratch.data());
    for (int r = 0; r < 75; ++r) {
      const double g = gate[r], expected = g / (1.0 + std::exp(-g)) * up[r];
      CHECK(out[r] == Approx(expected).epsilon(1e-6).margin(1e-30));
    }
  }
}

TEST_CASE("int8 SwiGLU quantizes its output in its own tasks as a separate pass would") {
  // 2 threads, 8 tasks of whole groups, 3 inputs: the fused quantization must equal quantizing
  // the finished gate rows, on every path.
  const int rows = 512, cols = 64, group = 32, batch = 3;
  const RandomInt8 w1(rows, cols, group, 50), w3(rows, cols, group, 51);
  auto xf = random_vector(static_cast<std::size_t>(batch) * cols, 52);
  QuantizedInput x;
  quantize_input(xf.data(), batch, cols, group, x);
  ThreadPool pool(2);
  for (Isa isa : testing::runnable_isas()) {
    INFO("isa " << to_string(isa));
    std::vector<float> gate(static_cast<std::size_t>(batch) * rows), up(gate.size());
    QuantizedInput fused, separate;
    matmul_swiglu(pool, isa, w1.packed, w3.packed, x, gate.data(), up.data(), &fused);
    quantize_input(gate.data(), batch, rows, group, separate);
    CHECK(fused.rows == batch);
    CHECK(fused.cols == rows);
    CHECK(fused.q == separate.q);
    CHECK(fused.scale == separate.scale);
    CHECK(fused.neg_sum == separate.neg_sum);
  }
}

TEST_CASE("thread pool runs every task exactly once across many dispatches") {
  ThreadPool pool(4);
  std::vector<std::atomic<int>> hits(97);
  for (int round = 0; round < 200; ++round) {
    pool.run(97, [&](int t) { hits[t].fetch_add(1); });
  }
  for (auto& h : hits) REQUIRE(h.load() == 200);
}

TEST_CASE("thread pool threads take the tasks of a thread that is held up") {
  // Task 0 (the caller's first) holds its thread until every other task has run: the caller's
  // share 1..24 can only run if the workers take it over.
  ThreadPool pool(4);
  constexpr int kTasks = 97;
  std::atomic<int> others{0};
  bool completed = false;
  pool.run(kTasks, [&](int t) {
    if (t != 0) {
      others.fetch_add(1);
      return;
    }
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);  // deadlock guard only
    while (others.load() < kTasks - 1 && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
    completed = others.load() == kTasks - 1;
  });
  CHECK(completed);
}

TEST_CASE("the portable fused multiply-add rounds once, exactly like std::fma") {
  Rng rng(99);
  int mismatches = 0;
  const auto check = [&](float a, float b, float c) {
    const float want = std::fma(a, b, c), got = engine::detail::fused_multiply_add(a, b, c);
    if (std::memcmp(&want, &got, sizeof want) != 0) ++mismatches;
  };
  // Kernel-like operands (int32 sums times scales into an accumulator), plus wide exponents
  // and near-cancellation, where double rounding would show.
  const auto value = [&rng](int lo, int hi) {
    return static_cast<float>((2 * rng.uniform() - 1) * std::ldexp(1.0, static_cast<int>(rng.uniform_int(lo, hi))));
  };
  for (int i = 0; i < 2'000'000; ++i) {
    const float a = value(-20, 20), b = value(-20, 20);
    check(a, b, i % 3 == 0 ? -a * b : value(-30, 30));
  }
  for (int i = 0; i < 200'000; ++i) {  // results in and near the float subnormal range
    const float a = value(-80, -60), b = value(-80, -60);
    check(a, b, i % 2 == 0 ? -a * b * 0.75f : value(-150, -120));
  }
  check(1.0f + 0x1p-23f, 1.0f + 0x1p-23f, -1.0f);  // needs the low product bits
  check(0x1p-12f, 0x1p-12f, 1.0f);                 // a tie broken by the product's tail
  check(0.0f, 5.0f, -0.0f);
  CHECK(mismatches == 0);
}
