#include "engine/sampler.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <limits>
#include <vector>

#include "core/rng.h"

using namespace deploybench::engine;

TEST_CASE("greedy sampling picks the largest logit") {
  Sampler s({0.0f, 1.0f, 1});
  const std::vector<float> logits{0.1f, 3.0f, -2.0f, 2.9f};
  CHECK(s.sample(logits) == 1);
}

TEST_CASE("argmax returns the first index of the largest value, as std::max_element") {
  deploybench::Rng rng(7);
  for (int n : {1, 2, 15, 16, 17, 33, 1000, 32000}) {
    std::vector<float> v(static_cast<std::size_t>(n));
    for (int trial = 0; trial < 20; ++trial) {
      // Few distinct values, so the maximum is often tied, at any position (lanes and tail).
      for (float& x : v) x = static_cast<float>(rng.next_u64() % 7) - 3.0f;
      INFO("n " << n << " trial " << trial);
      CHECK(argmax(v) == static_cast<int>(std::max_element(v.begin(), v.end()) - v.begin()));
    }
  }
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(argmax(std::vector<float>(40, -inf)) == 0);
  CHECK(argmax(std::vector<float>{-inf, 1.0f, inf, inf}) == 2);
  std::vector<float> with_nan(40, 1.0f);
  with_nan[3] = std::numeric_limits<float>::quiet_NaN();
  with_nan[30] = 2.0f;
  CHECK(argmax(with_nan) == 30);
  CHECK(argmax(std::vector<float>{}) == 0);
}

TEST_CASE("temperature sampling is seeded and follows the distribution") {
  const std::vector<float> logits{0.0f, std::log(3.0f), -100.0f};
  Sampler a({1.0f, 1.0f, 42}), b({1.0f, 1.0f, 42});
  int ones = 0;
  for (int i = 0; i < 4000; ++i) {
    const int x = a.sample(logits);
    REQUIRE(x == b.sample(logits));
    REQUIRE(x != 2);
    ones += x == 1;
  }
  CHECK(ones > 2800);  // expected 3000 (p = 0.75)
  CHECK(ones < 3200);
}

TEST_CASE("top-p keeps only the nucleus") {
  const std::vector<float> logits{std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)};
  Sampler s({1.0f, 0.7f, 3});
  for (int i = 0; i < 2000; ++i) REQUIRE(s.sample(logits) <= 1);  // 0.5 + 0.3 > 0.7
}
