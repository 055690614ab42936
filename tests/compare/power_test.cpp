// The acceptance criteria for compare, on seeded synthetic samples: a real 10% shift with
// 10 repetitions is flagged in at least 95% of trials; identical distributions in at most 5%.
// Per-repetition noise is lognormal with a 3% coefficient of variation (run-to-run spread of a
// percentile over a measured window on a quiet machine); the test prints the rates it measured.
#include <catch2/catch.hpp>

#include "compare/comparison.h"
#include "compare/synthetic.h"

using namespace deploybench;

namespace {

// Fraction of trials in which compare() flags ttft_p95: as regressed for a real shift, as any
// significant change (regressed or improved) for no shift.
double flag_rate(double shift, double cv, int reps, int trials) {
  compare::CompareOptions o;
  o.metrics = {"ttft_p95"};
  o.resamples = 100;  // the verdict uses the U test; the CI only needs to exist here
  int flagged = 0;
  for (int t = 0; t < trials; ++t) {
    const auto base = testing::synthetic_run(reps, 1.0, cv, 1000 + 2 * static_cast<std::uint64_t>(t));
    const auto cont = testing::synthetic_run(reps, 1.0 + shift, cv, 1001 + 2 * static_cast<std::uint64_t>(t));
    const auto cmp = compare::compare(base, cont, o);
    REQUIRE(cmp.rows.size() == 1);
    const auto v = cmp.rows[0].verdict;
    flagged += shift > 0 ? v == compare::Verdict::Regressed : v != compare::Verdict::NoSignificantChange;
  }
  return static_cast<double>(flagged) / trials;
}

}  // namespace

TEST_CASE("a real 10% shift with 10 repetitions is flagged in at least 95% of trials", "[compare][power]") {
  const double rate = flag_rate(0.10, 0.03, 10, 1000);
  WARN("10% shift, cv 3%, 10 vs 10 repetitions: flagged in " << rate * 100 << "% of 1000 trials");
  CHECK(rate >= 0.95);
  // For the record (not asserted): how power falls with noisier repetitions.
  for (double cv : {0.05, 0.07})
    WARN("10% shift, cv " << cv * 100 << "%: flagged in " << flag_rate(0.10, cv, 10, 300) * 100 << "% of 300 trials");
}

TEST_CASE("identical distributions are flagged in at most 5% of trials", "[compare][power]") {
  const double rate = flag_rate(0.0, 0.03, 10, 1000);
  WARN("no shift, cv 3%, 10 vs 10 repetitions: flagged in " << rate * 100 << "% of 1000 trials");
  CHECK(rate <= 0.05);
}

TEST_CASE("two repetitions per side never claim a change, and say so", "[compare][power]") {
  compare::CompareOptions o;
  o.metrics = {"ttft_p95"};
  const auto cmp =
      compare::compare(testing::synthetic_run(2, 1.0, 0.01, 1), testing::synthetic_run(2, 1.5, 0.01, 2), o);
  REQUIRE(cmp.rows.size() == 1);
  CHECK(cmp.rows[0].verdict == compare::Verdict::NoSignificantChange);
  CHECK(cmp.rows[0].relative_change == Approx(0.5).margin(0.05));
  CHECK(cmp.rows[0].warning ==
        "too few repetitions to tell (2 vs 2): the U test needs at least 4 per side for p < 0.05");
}
