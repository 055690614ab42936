#include "stats/sample.h"

#include <catch2/catch.hpp>
#include <vector>

using namespace deploybench;

TEST_CASE("median handles odd and even counts", "[stats][sample]") {
  const std::vector<double> odd = {5, 1, 3}, even = {4, 1, 3, 2};
  CHECK(stats::median(odd) == 3);
  CHECK(stats::median(even) == 2.5);
}

TEST_CASE("quantile interpolates between order statistics", "[stats][sample]") {
  const std::vector<double> v = {5, 1, 4, 2, 3};
  CHECK(stats::quantile(v, 0.5) == Approx(3));
  CHECK(stats::quantile(v, 0) == Approx(1));
  CHECK(stats::quantile(v, 1) == Approx(5));
  CHECK(stats::quantile(v, 0.25) == Approx(2));
  CHECK(stats::quantile(std::vector<double>{1, 2}, 0.5) == Approx(1.5));
  CHECK(stats::quantile(std::vector<double>{}, 0.5) == 0);
  const std::vector<double> even = {4, 1, 3, 2};
  CHECK(stats::quantile(even, 0.5) == stats::median(even));  // one definition of the middle
}
