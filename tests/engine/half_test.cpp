// The int8 models' fp16 KV cache: conversion exactness (every half, every rounding boundary,
// subnormals, ties), the same bits on every ISA path, attention over halves, and the cache bytes
// the model reports.
#include "engine/half.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <vector>

#include "core/rng.h"
#include "engine/kernels.h"
#include "test_model.h"

using namespace deploybench;
using namespace deploybench::engine;

namespace {
// The value of finite half h from its fields, computed independently of half_to_float.
double half_value(std::uint16_t h) {
  const int e = (h >> 10) & 0x1f, m = h & 0x3ff;
  const double v = e == 0 ? std::ldexp(m, -24) : std::ldexp(1024 + m, e - 25);
  return (h & 0x8000) ? -v : v;
}

// Every finite positive half's neighbourhood: the half itself, the midpoint to the next half
// (a tie, exact in float) and the floats just either side of it, with both signs.
std::vector<float> boundary_floats() {
  std::vector<float> v;
  for (std::uint16_t h = 0; h < 0x7c00; ++h) {
    const auto mid = static_cast<float>((half_value(h) + half_value(static_cast<std::uint16_t>(h + 1))) / 2);
    for (float f : {static_cast<float>(half_value(h)), mid, std::nextafter(mid, 0.0f), std::nextafter(mid, 1e9f)}) {
      v.push_back(f);
      v.push_back(-f);
    }
  }
  return v;
}
}  // namespace

TEST_CASE("every half converts to its exact float and back") {
  for (std::uint32_t h = 0; h < 0x10000; ++h) {
    const auto half = static_cast<std::uint16_t>(h);
    const float f = half_to_float(half);
    if (((h >> 10) & 0x1f) == 0x1f) {
      INFO("half " << h);
      CHECK((h & 0x3ff ? std::isnan(f) : std::isinf(f)));
      CHECK(std::signbit(f) == ((h & 0x8000) != 0));
      if ((h & 0x3ff) == 0) CHECK(float_to_half(f) == half);
      continue;
    }
    if (static_cast<double>(f) != half_value(half) || float_to_half(f) != half) FAIL("half " << h);
  }
}

TEST_CASE("floats round to the nearest half, ties to even") {
  for (float f : boundary_floats()) {
    const std::uint16_t h = float_to_half(f);
    const double got = half_value(h), err = std::fabs(got - f);
    // No other half is nearer, and on a tie the even one wins.
    for (int d : {-1, 1}) {
      const auto other = static_cast<std::uint16_t>(h + d);
      if ((other & 0x7fff) >= 0x7c00 || (other & 0x8000) != (h & 0x8000)) continue;
      const double other_err = std::fabs(half_value(other) - f);
      if (other_err < err || (other_err == err && (h & 1))) FAIL("float " << f << " gave half " << h);
    }
  }
  CHECK(float_to_half(65519.99f) == 0x7bff);  // the largest half, 65504
  CHECK(float_to_half(65520.0f) == 0x7c00);   // the tie above it goes to the even infinity
  CHECK(float_to_half(-1e6f) == 0xfc00);
  CHECK(float_to_half(std::ldexp(1.0f, -25)) == 0x0000);  // tie between 0 and the smallest subnormal
  CHECK(float_to_half(std::nextafter(std::ldexp(1.0f, -25), 1.0f)) == 0x0001);
  CHECK(float_to_half(-std::numeric_limits<float>::denorm_min()) == 0x8000);
  CHECK(std::isnan(half_to_float(float_to_half(std::numeric_limits<float>::quiet_NaN()))));
}

TEST_CASE("every ISA path stores the same half bits") {
  std::vector<float> v = boundary_floats();
  Rng rng(5);
  for (int i = 0; i < 20000; ++i)
    v.push_back(static_cast<float>(std::ldexp(rng.normal(0.0, 1.0), static_cast<int>(rng.uniform_int(-30, 18)))));
  v.push_back(std::numeric_limits<float>::infinity());
  v.push_back(std::numeric_limits<float>::denorm_min());
  v.resize(v.size() + 5, 1.5f);  // a count that is not a multiple of 16: the masked tail
  std::vector<std::uint16_t> expected(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) expected[i] = float_to_half(v[i]);
  for (Isa isa : testing::runnable_isas()) {
    INFO("isa " << to_string(isa));
    std::vector<std::uint16_t> got(v.size() + 1, 0x1234);
    vector_ops(isa).to_half(v.data(), got.data(), static_cast<int>(v.size()));
    CHECK(got.back() == 0x1234);  // nothing written past n
    got.pop_back();
    CHECK(got == expected);
  }
}

TEST_CASE("attention over half keys and values agrees with plain loops") {
  for (int n : {8, 48, 64, 75, 130, 300}) {
    for (int count : {1, 3, 4, 9, 21}) {
      const std::size_t stride = n + 5;
      Rng rng(static_cast<std::uint64_t>(n * 100 + count));
      std::vector<float> q(n), a(count);
      std::vector<std::uint16_t> kv(stride * count);
      for (float& x : q) x = static_cast<float>(rng.normal(0.0, 1.0));
      for (float& x : a) x = static_cast<float>(rng.uniform());
      for (auto& h : kv) h = float_to_half(static_cast<float>(rng.normal(0.0, 1.0)));
      for (Isa isa : testing::runnable_isas()) {
        INFO("isa " << to_string(isa) << " n " << n << " count " << count);
        const VectorOps ops = vector_ops(isa);
        std::vector<float> scores(count), mixed(n + 1, 7.0f);
        ops.scores_half(q.data(), kv.data(), stride, count, n, 0.5f, scores.data());
        ops.mix_half(a.data(), kv.data(), stride, count, n, mixed.data());
        for (int t = 0; t < count; ++t) {
          double exact = 0;
          for (int i = 0; i < n; ++i) exact += static_cast<double>(q[i]) * half_value(kv[t * stride + i]);
          CHECK(scores[t] == Approx(0.5 * exact).epsilon(1e-5).margin(1e-5));
        }
        for (int i = 0; i < n; ++i) {
          double exact = 0;
          for (int t = 0; t < count; ++t) exact += static_cast<double>(a[t]) * half_value(kv[t * stride + i]);
          CHECK(mixed[i] == Approx(exact).epsilon(1e-5).margin(1e-5));
        }
        CHECK(mixed[n] == 7.0f);
      }
    }
  }
}

TEST_CASE("int8 models count 2-byte KV entries, fp32 models 4") {
  const Config c = testing::test_config();
  const std::size_t entries = 2 * static_cast<std::size_t>(c.n_layers) * 10 * c.kv_dim();  // keys and values
  CHECK(testing::int8_model(Isa::Portable)->kv_bytes_at(9) == 2 * entries);
  CHECK(testing::fp32_model(Isa::Portable)->kv_bytes_at(9) == 4 * entries);
}
