// What the HTML charts show: short cell labels and the throughput-latency series.
#include "report/chart_data.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "result/sample_results.h"

using namespace deploybench;

namespace {

// A cell as the planner names it: target/model/workload/load/level/r<repetition>.
result::CellResult planned_cell(const std::string& target, const std::string& model, int concurrency, int repetition,
                                double tok_s, double e2e_p95_ms) {
  auto c = testing::sample_cell(target, "local", concurrency, 0);
  c.cell_id = fmt::format("{}/{}/chat/closed/c{}/r{}", target, model, concurrency, repetition);
  c.axes = {{"target", target}, {"model", model},  {"workload", "chat"},
            {"load", "closed"}, {"kind", "local"}, {"concurrency", std::to_string(concurrency)}};
  c.repetition = repetition;
  c.metrics.output_tokens_per_s = tok_s;
  c.metrics.e2e.p95 = from_millis(e2e_p95_ms);
  return c;
}

std::vector<const result::CellResult*> pointers(const result::ResultSet& r) { return report::measured_cells(r); }

}  // namespace

TEST_CASE("shorten_ids leaves out the parts every id shares", "[report][chart]") {
  SECTION("only the level differs") {
    const auto s = report::shorten_ids({"local/tiny-int8/chat/closed/c1", "local/tiny-int8/chat/closed/c4"});
    CHECK(s.names == std::vector<std::string>{"c1", "c4"});
    CHECK(s.shared == "local/tiny-int8/chat/closed/*");
  }
  SECTION("shared parts in the middle") {
    const auto s = report::shorten_ids({"local/tiny/chat/closed/c1", "vm/tiny/chat/closed/c4"});
    CHECK(s.names == std::vector<std::string>{"local/c1", "vm/c4"});
    CHECK(s.shared == "*/tiny/chat/closed/*");
  }
  SECTION("nothing differs: the last part names them") {
    const auto s = report::shorten_ids({"local/tiny/chat/c4", "local/tiny/chat/c4"});
    CHECK(s.names == std::vector<std::string>{"c4", "c4"});
    CHECK(s.shared == "local/tiny/chat/*");
  }
  SECTION("nothing shared") {
    const auto s = report::shorten_ids({"a/x", "b/y"});
    CHECK(s.names == std::vector<std::string>{"a/x", "b/y"});
    CHECK(s.shared.empty());
  }
  SECTION("different lengths: only the common leading parts go") {
    const auto s = report::shorten_ids({"local/tiny/chat/closed", "local/tiny/chat/open/8rps"});
    CHECK(s.names == std::vector<std::string>{"closed", "open/8rps"});
    CHECK(s.shared == "local/tiny/chat/*");
  }
  CHECK(report::shorten_ids({}).names.empty());
}

TEST_CASE("chart labels of a repeated run are the level and the repetition", "[report][chart]") {
  result::ResultSet r;
  for (int rep = 1; rep <= 4; ++rep)
    for (int c : {1, 4}) r.cells.push_back(planned_cell("local", "tiny-int8", c, rep, 100, 50));
  const auto labels = report::chart_cell_labels(pointers(r));
  CHECK(labels.labels == std::vector<std::string>{"c1", "c4", "c1 #2", "c4 #2", "c1 #3", "c4 #3", "c1 #4", "c4 #4"});
  CHECK(labels.note == "cells local/tiny-int8/chat/closed/*");
}

TEST_CASE("throughput-latency: one line per target and model through the load levels, medians of repetitions",
          "[report][chart]") {
  result::ResultSet r;
  // Levels listed out of order (8, 1, 4), three interleaved repetitions, two targets, two models.
  for (int rep = 1; rep <= 3; ++rep)
    for (const char* target : {"local", "vm"})
      for (const char* model : {"tiny-int8", "tiny-fp32"})
        for (int c : {8, 1, 4}) {
          const double scale =
              (std::string(target) == "vm" ? 0.8 : 1.0) * (std::string(model) == "tiny-fp32" ? 0.5 : 1);
          // Repetition 2 is the outlier the median ignores.
          const double noise = rep == 2 ? 3.0 : 1.0 + 0.01 * rep;
          r.cells.push_back(planned_cell(target, model, c, rep, 100.0 * c * scale * noise, 10.0 * c * noise));
        }
  const auto chart = report::throughput_latency_series(pointers(r));
  REQUIRE(chart.series.size() == 4);
  CHECK(chart.series[0].name == "local/tiny-int8");
  CHECK(chart.series[1].name == "local/tiny-fp32");
  CHECK(chart.series[2].name == "vm/tiny-int8");
  CHECK(chart.series[3].name == "vm/tiny-fp32");
  CHECK(chart.note == "one point per load level, median over repetitions; lines */chat/closed");
  const auto& local = chart.series[0].points;
  REQUIRE(local.size() == 3);  // levels, not repetitions
  CHECK(chart.series[0].point_labels == std::vector<std::string>{"c1", "c4", "c8"});
  const int levels[] = {1, 4, 8};
  for (std::size_t i = 0; i < 3; ++i) {
    INFO(i);
    CHECK(local[i].first == Approx(100.0 * levels[i] * 1.03));  // median of 1.01, 3.0 and 1.03
    CHECK(local[i].second == Approx(10.0 * levels[i] * 1.03));
  }
  CHECK(chart.series[3].points[2].first == Approx(800 * 0.4 * 1.03));
}

TEST_CASE("throughput-latency: open-loop rates in rate order, one series keeps its full name", "[report][chart]") {
  result::ResultSet r;
  for (const char* rate : {"8/s", "2/s", "16/s"}) {
    auto c = planned_cell("local", "tiny-int8", 1, 1, std::atof(rate) * 10, std::atof(rate));
    c.axes.erase("concurrency");
    c.axes["rate"] = rate;
    c.cell_id = fmt::format("local/tiny-int8/chat/open/{}rps/r1", std::atoi(rate));
    c.axes["load"] = "open";
    r.cells.push_back(c);
  }
  const auto chart = report::throughput_latency_series(pointers(r));
  REQUIRE(chart.series.size() == 1);
  CHECK(chart.series[0].name == "local/tiny-int8/chat/open");
  REQUIRE(chart.series[0].points.size() == 3);
  CHECK(chart.series[0].points[0].second == 2);
  CHECK(chart.series[0].points[1].second == 8);
  CHECK(chart.series[0].points[2].second == 16);
  CHECK(chart.series[0].point_labels == std::vector<std::string>{"2/s", "8/s", "16/s"});
  CHECK(chart.note == "one point per load level, median over repetitions");
}
