#include "result/result_csv.h"

#include <catch2/catch.hpp>

#include "core/text.h"
#include "result/golden.h"
#include "result/metric_catalog.h"
#include "result/sample_results.h"

using namespace deploybench;

TEST_CASE("csv_field quotes only when needed", "[result][csv]") {
  CHECK(result::csv_field("plain") == "plain");
  CHECK(result::csv_field("a,b") == "\"a,b\"");
  CHECK(result::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(result::csv_field("two\nlines") == "\"two\nlines\"");
}

TEST_CASE("results.csv has one row per cell and unit-carrying columns", "[result][csv]") {
  const auto csv = result::to_csv(testing::sample_results());
  const auto lines = split(csv, '\n');
  REQUIRE(lines.size() == 6);  // header, 4 cells, empty after the final newline
  const auto header = split(lines[0], ',');
  for (const char* col : {"ttft_p50_ms", "e2e_p95_ms", "output_tokens_per_s", "error_rate_pct"})
    CHECK(std::find(header.begin(), header.end(), col) != header.end());
  CHECK(split(lines[1], ',').size() == header.size());
}

TEST_CASE("results.csv matches its golden file", "[result][csv][golden]") {
  testing::check_golden("results.csv", result::to_csv(testing::sample_results()));
}

TEST_CASE("metric catalog resolves keys, units and directions", "[result][metrics]") {
  const auto cell = testing::sample_results().cells[1];
  CHECK(result::metric_value(cell, "ttft_p50").value() == Approx(25.7));
  CHECK(result::metric_value(cell, "error_rate").value() == Approx(2.5));
  CHECK(result::metric_info("e2e_p95")->column == "e2e_p95_ms");
  CHECK(result::metric_info("output_tokens_per_s")->direction == result::Direction::HigherIsBetter);
  CHECK_FALSE(result::metric_info("ttft_p97").has_value());
  auto no_queue = cell;
  no_queue.metrics.queue.reset();
  CHECK_FALSE(result::metric_value(no_queue, "queue_p50").has_value());
}

TEST_CASE("metric values print bytes in binary units, others with 4 digits and their unit", "[result][metrics]") {
  CHECK(result::format_metric_value(3.544e7, "B") == "33.8 MiB");
  CHECK(result::format_metric_value(512, "B") == "512 B");
  CHECK(result::format_metric_value(21.43, "ms") == "21.43 ms");
  CHECK(result::format_metric_value(815.27, "tok/s") == "815.3 tok/s");
  CHECK(result::format_metric_value(3, "") == "3");
}
