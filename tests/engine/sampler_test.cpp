#include "engine/sampler.h"

#include <catch2/catch.hpp>

using namespace deploybench::engine;

TEST_CASE("greedy sampling picks the largest logit") {
  Sampler s({0.0f, 1.0f, 1});
  const std::vector<float> logits{0.1f, 3.0f, -2.0f, 2.9f};
  CHECK(s.sample(logits) == 1);
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
