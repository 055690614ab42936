#include <catch2/catch.hpp>
#include <cmath>

#include "core/rng.h"

using namespace deploybench;

TEST_CASE("the same seed gives the same sequence", "[core][rng]") {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next_u64();
    CHECK(x == b.next_u64());
    differs |= x != c.next_u64();
  }
  CHECK(differs);
}

TEST_CASE("distributions have the right means", "[core][rng]") {
  Rng r(7);
  const int n = 200000;
  double sum_u = 0, sum_e = 0, sum_n = 0, sum_g = 0;
  for (int i = 0; i < n; ++i) {
    sum_u += r.uniform();
    sum_e += r.exponential(2.0);
    sum_n += r.normal(5.0, 1.0);
    sum_g += r.gamma(0.5, 4.0);  // mean = shape * scale = 2
  }
  CHECK(sum_u / n == Approx(0.5).epsilon(0.01));
  CHECK(sum_e / n == Approx(2.0).epsilon(0.02));
  CHECK(sum_n / n == Approx(5.0).epsilon(0.01));
  CHECK(sum_g / n == Approx(2.0).epsilon(0.03));
}

TEST_CASE("uniform_int stays in range and derive_seed separates streams", "[core][rng]") {
  Rng r(1);
  for (int i = 0; i < 1000; ++i) {
    const auto v = r.uniform_int(3, 7);
    CHECK(v >= 3);
    CHECK(v <= 7);
  }
  CHECK(derive_seed(1, "schedule") != derive_seed(1, "prompts"));
  CHECK(derive_seed(1, "schedule") == derive_seed(1, "schedule"));
}
