// What the HTML charts show: short cell labels.
#include "report/chart_data.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>

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
