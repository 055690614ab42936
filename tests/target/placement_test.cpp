#include <catch2/catch.hpp>

#include "target/cpuset.h"

using namespace deploybench::target;

TEST_CASE("cpusets parse and format", "[target][cpuset]") {
  auto s = parse_cpuset("3,0-1,1");
  REQUIRE(s.ok());
  CHECK(*s == std::vector<int>{0, 1, 3});
  CHECK(format_cpuset(*s) == "0-1,3");
  CHECK(format_cpuset({2}) == "2");
  CHECK(format_cpuset({}) == "");
  CHECK_FALSE(parse_cpuset("a").ok());
  CHECK_FALSE(parse_cpuset("2-1").ok());
  CHECK_FALSE(parse_cpuset("").ok());
  CHECK_FALSE(available_cpus().empty());
}

TEST_CASE("few CPUs: harness and target are pinned apart", "[target][placement]") {
  const auto p = plan_placement({}, {0, 1});
  CHECK(p.target_cpuset == "1");
  CHECK(p.harness_cpuset == "0");
  CHECK_THAT(p.reason, Catch::Contains("few CPUs"));
  const auto four = plan_placement({}, {0, 1, 2, 3});
  CHECK(four.target_cpuset == "1-3");
  CHECK(four.harness_cpuset == "0");
}

TEST_CASE("many CPUs or one CPU: nothing pinned by default", "[target][placement]") {
  CHECK(plan_placement({}, {0, 1, 2, 3, 4, 5, 6, 7}).target_cpuset.empty());
  CHECK(plan_placement({}, {0}).target_cpuset.empty());
}

TEST_CASE("an explicit cpuset wins and the harness gets the rest", "[target][placement]") {
  ResourceLimits l;
  l.cpuset = "0";
  const auto p = plan_placement(l, {0, 1});
  CHECK(p.target_cpuset == "0");
  CHECK(p.harness_cpuset == "1");
}

TEST_CASE("harness cpuset over all targets of a run", "[target][placement]") {
  TargetConfig local{"l", LocalConfig{}, {}, {}, std::chrono::seconds{1}};
  TargetConfig remote{"r", RemoteConfig{"http://x", "", "", true, {}, {}}, {}, {}, std::chrono::seconds{1}};
  CHECK(harness_cpuset({local, remote}, {0, 1}) == "0");
  CHECK(harness_cpuset({remote}, {0, 1}).empty());
  CHECK(harness_cpuset({local}, {0, 1, 2, 3, 4, 5, 6, 7}).empty());
}
