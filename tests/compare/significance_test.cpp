#include "compare/significance.h"

#include <catch2/catch.hpp>
#include <vector>

#include "core/rng.h"

using namespace deploybench;
using compare::mann_whitney_u;

TEST_CASE("exact Mann-Whitney p-values match the U distribution", "[compare][significance]") {
  // Complete separation: only 2 of C(6,3) = 20 orderings are this extreme, p = 0.1.
  const std::vector<double> a = {1, 2, 3}, b = {4, 5, 6};
  auto r = mann_whitney_u(a, b);
  CHECK(r.exact);
  CHECK(r.u == 9);
  CHECK(r.p_value == Approx(0.1));
  // 5 vs 5 fully separated: 2 / C(10,5) = 2/252.
  const std::vector<double> c = {1, 2, 3, 4, 5}, d = {6, 7, 8, 9, 10};
  CHECK(mann_whitney_u(c, d).p_value == Approx(2.0 / 252));
  CHECK(mann_whitney_u(d, c).u == 0);
  // Interleaved samples: no evidence at all.
  const std::vector<double> e = {1, 3, 5, 7}, f = {2, 4, 6, 8};
  CHECK(mann_whitney_u(e, f).p_value > 0.5);
}

TEST_CASE("Mann-Whitney with ties uses the tie-corrected normal approximation", "[compare][significance]") {
  // U = 14, mean 8, var = 16/12 * (9 - 12/56) = 11.714; z = (6 - 0.5)/3.4226 = 1.607; p = 0.1081.
  const std::vector<double> a = {1, 2, 3, 4}, b = {3, 4, 5, 6};
  auto r = mann_whitney_u(a, b);
  CHECK_FALSE(r.exact);
  CHECK(r.u == 14);
  CHECK(r.p_value == Approx(0.1081).epsilon(0.002));
  const std::vector<double> same = {5, 5, 5};
  CHECK(mann_whitney_u(same, same).p_value == 1.0);
}

TEST_CASE("min_possible_p_value tells when a test cannot succeed", "[compare][significance]") {
  CHECK(compare::min_possible_p_value(2, 2) == Approx(2.0 / 6));
  CHECK(compare::min_possible_p_value(3, 3) == Approx(0.1));
  CHECK(compare::min_possible_p_value(4, 4) == Approx(2.0 / 70));
}

TEST_CASE("bootstrap CI covers the true relative change and is reproducible", "[compare][significance]") {
  Rng rng(7);
  std::vector<double> base, cont;
  for (int i = 0; i < 30; ++i) {
    base.push_back(rng.normal(100, 3));
    cont.push_back(rng.normal(110, 3));
  }
  const auto ci = compare::bootstrap_relative_change(base, cont, 1);
  CHECK(ci.low < 0.10);
  CHECK(ci.high > 0.10);
  CHECK(ci.low > 0.05);  // and excludes no-change
  CHECK(ci.estimate == Approx(0.10).margin(0.02));
  const auto again = compare::bootstrap_relative_change(base, cont, 1);
  CHECK(again.low == ci.low);
  CHECK(again.high == ci.high);
}
