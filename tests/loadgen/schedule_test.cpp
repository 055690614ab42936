#include "loadgen/schedule.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

using namespace deploybench;
using namespace deploybench::loadgen;
using namespace std::chrono_literals;

namespace {

OpenLoop pattern(double rate, Arrival arrival, double burstiness = 1.0) {
  OpenLoop p;
  p.rate_per_s = rate;
  p.arrival = arrival;
  p.burstiness = burstiness;
  return p;
}

// Coefficient of variation of the gaps.
double gap_cv(const std::vector<Nanos>& t) {
  double sum = 0, sq = 0;
  const auto n = static_cast<double>(t.size() - 1);
  for (std::size_t i = 1; i < t.size(); ++i) {
    const double g = to_seconds(t[i] - t[i - 1]);
    sum += g;
    sq += g * g;
  }
  const double mean = sum / n;
  return std::sqrt(std::max(0.0, sq / n - mean * mean)) / mean;
}

}  // namespace

TEST_CASE("schedules have the requested mean rate") {
  for (auto arrival : {Arrival::Constant, Arrival::Poisson, Arrival::Gamma}) {
    const auto s = make_schedule(pattern(200, arrival, 0.5), 0s, 100s, std::nullopt, 7);
    REQUIRE(s.ok());
    const double rate = static_cast<double>(s->offsets.size()) / 100.0;
    INFO("arrival " << static_cast<int>(arrival) << " rate " << rate);
    REQUIRE(rate == Approx(200).epsilon(0.03));  // 20000 samples: sd of the count is under 1%
    REQUIRE(std::is_sorted(s->offsets.begin(), s->offsets.end()));
    REQUIRE(s->offsets.back() < 100s);
  }
}

TEST_CASE("gaps have the shape of their distribution") {
  const auto constant = make_schedule(pattern(100, Arrival::Constant), 0s, 50s, std::nullopt, 1);
  const auto poisson = make_schedule(pattern(100, Arrival::Poisson), 0s, 50s, std::nullopt, 1);
  const auto bursty = make_schedule(pattern(100, Arrival::Gamma, 0.25), 0s, 50s, std::nullopt, 1);
  REQUIRE(gap_cv(constant->offsets) < 0.01);
  REQUIRE(gap_cv(poisson->offsets) == Approx(1.0).epsilon(0.1));
  REQUIRE(gap_cv(bursty->offsets) == Approx(2.0).epsilon(0.15));  // 1 / sqrt(0.25)
}

TEST_CASE("the same seed gives the same schedule; another seed does not") {
  const auto a = make_schedule(pattern(50, Arrival::Poisson), 1s, 10s, std::nullopt, 42);
  const auto b = make_schedule(pattern(50, Arrival::Poisson), 1s, 10s, std::nullopt, 42);
  const auto c = make_schedule(pattern(50, Arrival::Poisson), 1s, 10s, std::nullopt, 43);
  REQUIRE(a->offsets == b->offsets);
  REQUIRE(a->first_measured == b->first_measured);
  REQUIRE(a->offsets != c->offsets);
}

TEST_CASE("warmup entries come first and a request count bounds the window") {
  const auto s = make_schedule(pattern(10, Arrival::Constant), 1s, 0s, 25, 1);
  REQUIRE(s.ok());
  REQUIRE(s->first_measured == 10);  // 0, 0.1, ... 0.9 s
  REQUIRE(s->offsets.size() == 35);
  REQUIRE(s->offsets[s->first_measured] >= 1s);
  const auto both = make_schedule(pattern(10, Arrival::Constant), 0s, 1s, 1000, 1);
  REQUIRE(both->offsets.size() == 10);  // the duration ends it first
}

TEST_CASE("schedules refuse what would not fit in memory and need an end") {
  REQUIRE_FALSE(make_schedule(pattern(1e6, Arrival::Poisson), 0s, 3600s, std::nullopt, 1, 1000).ok());
  REQUIRE_FALSE(make_schedule(pattern(10, Arrival::Poisson), 0s, 0s, std::nullopt, 1).ok());
}
