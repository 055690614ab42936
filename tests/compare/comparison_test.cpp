#include "compare/comparison.h"

#include <catch2/catch.hpp>

#include "compare/gate_output.h"
#include "compare/synthetic.h"
#include "result/metric_catalog.h"

using namespace deploybench;

TEST_CASE("compare matches repetitions by axes and orients verdicts by metric direction", "[compare]") {
  const auto cmp = compare::compare(testing::synthetic_run(8, 1.0, 0.02, 1), testing::synthetic_run(8, 0.8, 0.02, 2));
  REQUIRE_FALSE(cmp.rows.empty());
  for (const auto& r : cmp.rows) {
    INFO(r.metric);
    CHECK(r.n_baseline == 8);
    CHECK(r.cell == "local/tiny-int8/chat/c1");
  }
  auto find = [&](const std::string& m) {
    return *std::find_if(cmp.rows.begin(), cmp.rows.end(), [&](const auto& r) { return r.metric == m; });
  };
  CHECK(find("ttft_p95").verdict == compare::Verdict::Improved);             // latency went down
  CHECK(find("output_tokens_per_s").verdict == compare::Verdict::Improved);  // throughput went up
  CHECK(find("ttft_p95").relative_change == Approx(-0.2).margin(0.03));
  CHECK(find("ttft_p95").ci->high < 0);
  CHECK(find("error_rate").verdict == compare::Verdict::NoSignificantChange);  // all zeros
}

TEST_CASE("compare reports unmatched cells and leaves out failed and invalid ones, naming them", "[compare]") {
  auto base = testing::sample_results();  // podman c4, the last cell, is invalid (a timeout)
  auto cont = testing::sample_results();
  cont.cells.pop_back();
  cont.cells[0].error = "connect refused";
  const auto cmp = compare::compare(base, cont);
  CHECK(cmp.only_baseline == std::vector<std::string>{"local/tiny-int8/chat/c1"});
  CHECK(cmp.only_contender.empty());
  CHECK(cmp.left_out == std::vector<std::string>{
                            "baseline podman/tiny-int8/chat/c4 #1: invalid: 1 request timed out (error rate 0.6%): "
                            "raise request_timeout or lower the load",
                            "contender local/tiny-int8/chat/c1 #1: failed: connect refused"});
  CHECK_THAT(compare::render_comparison_text(cmp),
             Catch::Contains("warning: left out contender local/tiny-int8/chat/c1 #1: failed: connect refused\n"));
  compare::CompareOptions all;
  all.include_invalid = true;  // then the invalid baseline cell counts, and has no contender
  const auto with_invalid = compare::compare(base, cont, all);
  CHECK(with_invalid.only_baseline == std::vector<std::string>{"local/tiny-int8/chat/c1", "podman/tiny-int8/chat/c4"});
  CHECK(with_invalid.left_out.size() == 1);
}

TEST_CASE("compare can set two targets of one run against each other", "[compare]") {
  const auto run = testing::sample_results();
  compare::CompareOptions o;
  o.baseline_target = "local";
  o.contender_target = "podman";
  o.metrics = {"ttft_p50"};
  CHECK(compare::compare(run, run, o).rows.size() == 1);  // podman c4 is invalid
  o.include_invalid = true;
  const auto cmp = compare::compare(run, run, o);
  REQUIRE(cmp.rows.size() == 2);  // concurrency 1 and 4
  CHECK(cmp.rows[0].cell == "local/tiny-int8/chat/c1");
  CHECK(cmp.rows[0].relative_change == Approx(5.5 / 20.2));
  CHECK_FALSE(cmp.rows[0].warning.empty());  // one repetition each
}

TEST_CASE("the comparison table prints memory in binary units", "[compare]") {
  compare::CompareOptions options;
  options.metrics = {"target_peak_rss_bytes"};
  const auto results = testing::sample_results();
  const auto cmp = compare::compare(results, results, options);
  REQUIRE_FALSE(cmp.rows.empty());
  const auto text = compare::render_comparison_text(cmp);
  INFO(text);
  CHECK_THAT(text, Catch::Contains("64.0 MiB"));
  CHECK_THAT(text, !Catch::Contains("e+07"));
  CHECK_THAT(compare::render_comparison_markdown(cmp), Catch::Contains("64.0 MiB"));
}

TEST_CASE("an equivalence margin tells 'the same within 5%' from 'too noisy to tell'", "[compare]") {
  compare::CompareOptions o;
  o.metrics = {"ttft_p95"};
  o.equivalence_margin = 0.05;
  const auto verdict = [&](const result::ResultSet& a, const result::ResultSet& b) {
    const auto cmp = compare::compare(a, b, o);
    REQUIRE(cmp.rows.size() == 1);
    return cmp.rows[0].verdict;
  };
  const auto base = testing::synthetic_run(10, 1.0, 0.005, 61);
  // 1% slower with little noise: the CI sits inside +-5%, whatever the U test says.
  CHECK(verdict(base, testing::synthetic_run(10, 1.01, 0.005, 62)) == compare::Verdict::Equivalent);
  // The same medians with 20% noise: the CI is wider than the margin, so nothing is shown.
  CHECK(verdict(testing::synthetic_run(10, 1.0, 0.2, 63), testing::synthetic_run(10, 1.0, 0.2, 64)) ==
        compare::Verdict::NoSignificantChange);
  // 20% slower is a regression, not equivalence.
  CHECK(verdict(base, testing::synthetic_run(10, 1.2, 0.005, 65)) == compare::Verdict::Regressed);
  // Too few repetitions for the U test: no equivalence claim either.
  CHECK(verdict(testing::synthetic_run(3, 1.0, 0.001, 66), testing::synthetic_run(3, 1.0, 0.001, 67)) ==
        compare::Verdict::NoSignificantChange);
  const auto text =
      compare::render_comparison_text(compare::compare(base, testing::synthetic_run(10, 1.01, 0.005, 62), o));
  CHECK_THAT(text, Catch::Contains("equivalent (within ±5%)"));
  CHECK_THAT(text,
             Catch::Contains("0 regressed, 0 improved, 1 equivalent within ±5% (95% CI inside the margin), 0 without"));
}

namespace {

// A hand-made comparison row: what the renderers print does not depend on how compare() got it.
compare::Comparison one_row(double change, double low, double high) {
  compare::MetricComparison r;
  r.cell = "local/tiny-int8/chat/c1";
  r.metric = "ttft_p95";
  r.unit = "ms";
  r.n_baseline = r.n_contender = 5;
  r.baseline_median = r.contender_median = 20;
  r.relative_change = change;
  r.ci = compare::ConfidenceInterval{change, low, high};
  r.p_value = 0.9;
  compare::Comparison c;
  c.rows.push_back(r);
  return c;
}

}  // namespace

TEST_CASE("a change or CI bound that rounds to zero prints as +0.0%, never -0.0%", "[compare]") {
  CHECK(result::format_percent_change(-0.0004) == "+0.0%");
  CHECK(result::format_percent_change(-0.0) == "+0.0%");
  CHECK(result::format_percent_change(0.0004) == "+0.0%");
  CHECK(result::format_percent_change(-0.0006) == "-0.1%");
  CHECK(result::format_percent_change(0.123) == "+12.3%");
  const auto cmp = one_row(-0.00001, -0.0002, 0.0003);
  for (const auto& out : {compare::render_comparison_text(cmp), compare::render_comparison_markdown(cmp)}) {
    INFO(out);
    CHECK_THAT(out, Catch::Contains("[+0.0%, +0.0%]"));
    CHECK_THAT(out, !Catch::Contains("-0.0%"));
  }
}

TEST_CASE("the Markdown footer lists each warning on its own line", "[compare]") {
  auto cmp = one_row(0.1, 0.05, 0.15);
  cmp.rows[0].warning = "too few repetitions";
  cmp.only_baseline = {"vm/tiny-int8/chat/c1"};
  cmp.only_contender = {"podman/tiny-int8/chat/c1", "podman/tiny-int8/chat/c4"};
  const std::string md = compare::render_comparison_markdown(cmp);
  INFO(md);
  // A blank line ends the summary paragraph; each warning is a list item (Markdown would join
  // plain consecutive lines into one paragraph).
  CHECK_THAT(md, Catch::Contains("of the relative change)\n\n- warning: 1 rows have too few repetitions"));
  CHECK_THAT(md, Catch::Contains("\n- warning: vm/tiny-int8/chat/c1 is only in the baseline\n"));
  CHECK_THAT(md, Catch::EndsWith("\n- warning: podman/tiny-int8/chat/c1 is only in the contender\n"
                                 "- warning: podman/tiny-int8/chat/c4 is only in the contender\n"));
  const std::string text = compare::render_comparison_text(cmp);
  CHECK_THAT(text, Catch::Contains("of the relative change)\nwarning: 1 rows"));
  CHECK_THAT(text, Catch::EndsWith("\nwarning: podman/tiny-int8/chat/c4 is only in the contender\n"));
}
