#include "engine/sampler.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
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

TEST_CASE("sampling's exp matches std::exp to ~1e-7 and is 0 below -87, for -inf and NaN") {
  double worst = 0;
  for (int i = 0; i <= 870000; ++i) {
    const float x = -static_cast<float>(i) * 1e-4f;
    const double want = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::abs(sampling_exp(x) - want) / want);
  }
  CHECK(worst < 3e-7);  // 2.5 float ulp
  CHECK(sampling_exp(0.0f) == 1.0f);
  CHECK(sampling_exp(-0.0f) == 1.0f);
  CHECK(sampling_exp(-87.5f) == 0.0f);
  CHECK(sampling_exp(-std::numeric_limits<float>::infinity()) == 0.0f);
  CHECK(sampling_exp(std::numeric_limits<float>::quiet_NaN()) == 0.0f);
  CHECK(sampling_exp(-std::numeric_limits<float>::quiet_NaN()) == 0.0f);
}

TEST_CASE("temperature sampling over a vocabulary of many blocks follows the distribution") {
  // 1000 tokens, one 1000 times as likely as each other one (p = 1000 / 1999), one impossible.
  std::vector<float> logits(1000, 0.5f);
  logits[500] = 0.5f + std::log(1000.0f);
  logits[7] = -std::numeric_limits<float>::infinity();
  Sampler s({1.0f, 1.0f, 9});
  int likely = 0, low = 0, high = 0;
  for (int i = 0; i < 20000; ++i) {
    const int t = s.sample(logits);
    REQUIRE(t >= 0);
    REQUIRE(t < 1000);
    REQUIRE(t != 7);
    likely += t == 500;
    low += t < 64;     // the first block of the walk
    high += t >= 960;  // the last
  }
  CHECK(likely > 9700);  // expected 10005, sd 71
  CHECK(likely < 10300);
  CHECK(low > 350);   // expected 63 * 20000 / 1999 = 630
  CHECK(high > 250);  // expected 400
}

TEST_CASE("temperature sampling with NaN or infinite logits falls back to the largest") {
  Sampler s({0.8f, 1.0f, 1});
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  CHECK(s.sample(std::vector<float>(100, nan)) == 0);
  std::vector<float> with_inf(100, 1.0f);
  with_inf[42] = inf;
  CHECK(s.sample(with_inf) == 42);
  std::vector<float> with_nan(100, -50.0f);
  with_nan[3] = nan;
  with_nan[60] = 0.0f;  // e^(-50 / 0.8) ~ 1e-27 for the rest: token 60 every time
  for (int i = 0; i < 100; ++i) REQUIRE(s.sample(with_nan) == 60);
  CHECK(s.sample(std::vector<float>{}) == 0);
}

// The nucleus by its definition: every candidate sorted, most likely first (lower index on ties),
// summed until the sum passes top_p.
std::vector<int> nucleus_by_sorting(const std::vector<float>& probs, float top_p) {
  const float cutoff = (1.0f - top_p) / static_cast<float>(probs.size() - 1);
  std::vector<std::pair<float, int>> c;
  for (std::size_t i = 0; i < probs.size(); ++i) {
    if (probs[i] >= cutoff) c.emplace_back(probs[i], static_cast<int>(i));
  }
  std::sort(c.begin(), c.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  std::vector<int> out;
  double mass = 0;
  for (const auto& [p, i] : c) {
    out.push_back(i);
    mass += p;
    if (mass > top_p) break;
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_CASE("top-p's nucleus, found by buckets, is the one sorting every token gives") {
  deploybench::Rng rng(17);
  for (int n : {2, 5, 100, 1000, 32000}) {
    for (float top_p : {0.05f, 0.5f, 0.9f, 0.99f}) {
      for (int trial = 0; trial < 6; ++trial) {
        std::vector<float> w(static_cast<std::size_t>(n));
        double sum = 0;
        for (float& x : w) {
          // Peaked or flat, and in odd trials few distinct values (ties inside one bucket).
          const double u = rng.uniform();
          x = trial % 2 ? static_cast<float>(1 + rng.next_u64() % 4)
                        : static_cast<float>(std::exp(u * (trial + 1) * 4));
          sum += x;
        }
        for (float& x : w) x = static_cast<float>(x / sum);
        INFO("n " << n << " top_p " << top_p << " trial " << trial);
        CHECK(top_p_nucleus(w, top_p) == nucleus_by_sorting(w, top_p));
      }
    }
  }
  CHECK(top_p_nucleus(std::vector<float>{1.0f}, 0.5f).empty());  // one token: no candidates (argmax)
}

TEST_CASE("top-p sampling follows the distribution inside the nucleus") {
  const std::vector<float> logits{std::log(0.5f), std::log(0.3f), std::log(0.15f), std::log(0.05f)};
  Sampler s({1.0f, 0.7f, 21});
  int first = 0;
  for (int i = 0; i < 8000; ++i) {
    const int t = s.sample(logits);
    REQUIRE(t <= 1);
    first += t == 0;
  }
  CHECK(first > 4800);  // expected 0.5 / 0.8 = 5000, sd 43
  CHECK(first < 5200);
}
