#include "compare/conditions.h"

#include <catch2/catch.hpp>

#include "result/sample_results.h"

using namespace deploybench;

namespace {
std::vector<std::string> whats(const std::vector<compare::ConditionDifference>& d) {
  std::vector<std::string> out;
  for (const auto& x : d) out.push_back(x.what);
  return out;
}
}  // namespace

TEST_CASE("runs made under the same conditions have no differences to tell", "[compare]") {
  const auto base = testing::sample_results();
  auto cont = testing::sample_results();
  cont.manifest.run_id = "another-run";  // ids, times and ports always differ
  cont.manifest.started_at = "2026-12-03T10:00:00Z";
  for (auto& c : cont.cells) {
    c.target.details["port"] = "40001";
    c.target.details["command"] = "refbot serve --port 40001";
  }
  CHECK(compare::condition_differences(base, cont).empty());
  CHECK(compare::render_condition_differences({}).empty());
}

TEST_CASE("a different machine, build or deployed binary is named with both values", "[compare]") {
  const auto base = testing::sample_results();
  auto cont = testing::sample_results();
  cont.manifest.host_name = "ci-runner-7";
  cont.manifest.cpu_model = "Intel Xeon";
  cont.manifest.git_revision = "fedcba987654";
  cont.manifest.scenario_sha256 = std::string(64, 'f');
  for (auto& c : cont.cells)
    if (c.target.name == "local") c.target.details["binary_sha256"] = "ffffffffffffffffffff";
  const auto d = compare::condition_differences(base, cont);
  CHECK(whats(d) ==
        std::vector<std::string>{"host", "CPU", "deploybench", "scenario hash", "target local: binary_sha256"});
  CHECK(d[0].baseline == "bench-1");
  CHECK(d[0].contender == "ci-runner-7");
  const std::string text = compare::render_condition_differences(d);
  CHECK_THAT(text, Catch::StartsWith("note: the two runs also differ in these conditions"));
  CHECK_THAT(text, Catch::Contains("  host: bench-1 -> ci-runner-7\n"));
  CHECK_THAT(text, Catch::Contains("  target local: binary_sha256: ab12cd34 -> ffffffffffff\n"));  // 12 digits
  CHECK_THAT(text,
             Catch::Contains("  scenario hash: " + base.manifest.scenario_sha256.substr(0, 12) + " -> ffffffffffff\n"));
}

TEST_CASE("target details count only for targets both runs deployed, and can be left out", "[compare]") {
  const auto base = testing::sample_results();
  auto cont = testing::sample_results();
  for (auto& c : cont.cells) {
    if (c.target.name == "local") c.target.details["served_model"] = "tiny int8 (avx2 kernels, 1 threads)";
    if (c.target.name != "local") c.target.name = "docker";  // a target the baseline never ran
  }
  const auto d = compare::condition_differences(base, cont);
  REQUIRE(d.size() == 1);
  CHECK(d[0].what == "target local: served_model");
  CHECK(d[0].baseline == "(not reported)");
  // Two targets set against each other differ by design: only the manifests count then.
  CHECK(compare::condition_differences(base, cont, false).empty());
}
