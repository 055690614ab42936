#include <algorithm>
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
  CHECK(parse_cpuset("a").error().message == "invalid cpuset 'a': 'a' is not a CPU number or range");
  CHECK(parse_cpuset("0,2-1").error().message == "invalid cpuset '0,2-1': the range '2-1' ends before it starts");
  CHECK_THAT(parse_cpuset("5000").error().message, Catch::Contains("CPU 5000 is beyond the largest"));
  CHECK_FALSE(parse_cpuset("").ok());
  CHECK_FALSE(available_cpus().empty());
}

TEST_CASE("few CPUs: harness and target are pinned apart", "[target][placement]") {
  const auto p = plan_placement({}, {0, 1});
  REQUIRE(p.ok());
  CHECK(p->target_cpuset == "1");
  CHECK(p->harness_cpuset == "0");
  CHECK_THAT(p->reason, Catch::Contains("few CPUs"));
  const auto four = plan_placement({}, {0, 1, 2, 3});
  REQUIRE(four.ok());
  CHECK(four->target_cpuset == "1-3");
  CHECK(four->harness_cpuset == "0");
}

TEST_CASE("many CPUs or one CPU: nothing pinned by default", "[target][placement]") {
  CHECK(plan_placement({}, {0, 1, 2, 3, 4, 5, 6, 7})->target_cpuset.empty());
  CHECK(plan_placement({}, {0})->target_cpuset.empty());
}

TEST_CASE("an explicit cpuset wins and the harness gets the rest", "[target][placement]") {
  ResourceLimits l;
  l.cpuset = "0";
  const auto p = plan_placement(l, {0, 1});
  REQUIRE(p.ok());
  CHECK(p->target_cpuset == "0");
  CHECK(p->harness_cpuset == "1");
}

TEST_CASE("an explicit cpuset naming CPUs the host lacks is a placement error", "[target][placement]") {
  ResourceLimits l;
  l.cpuset = "1,7";
  const auto p = plan_placement(l, {0, 1});
  REQUIRE_FALSE(p.ok());
  CHECK(p.error().message == "cpuset '1,7' names CPU 7, which this host does not offer (available CPUs: 0-1)");
  CHECK_THAT(p.error().hint, Catch::Contains("0-1"));
  l.cpuset = "9-3";
  REQUIRE_FALSE(plan_placement(l, {0, 1}).ok());
  CHECK_THAT(plan_placement(l, {0, 1}).error().message, Catch::Contains("invalid cpuset '9-3'"));
  // The run's harness placement skips such a target (its deploy reports the error).
  TargetConfig bad{"bad", LocalConfig{{}, "/health", {{}, {}, "7"}}, {}, {}, std::chrono::seconds{1}};
  CHECK(harness_cpuset({bad}, {0, 1}).empty());
}

TEST_CASE("online CPUs include the ones this process may use", "[target][cpuset]") {
  const auto online = online_cpus();
  for (int cpu : available_cpus()) CHECK(std::find(online.begin(), online.end(), cpu) != online.end());
}

TEST_CASE("harness cpuset over all targets of a run", "[target][placement]") {
  TargetConfig local{"l", LocalConfig{}, {}, {}, std::chrono::seconds{1}};
  TargetConfig remote{"r", RemoteConfig{"http://x", "", "", true, {}, {}}, {}, {}, std::chrono::seconds{1}};
  CHECK(harness_cpuset({local, remote}, {0, 1}) == "0");
  CHECK(harness_cpuset({remote}, {0, 1}).empty());
  CHECK(harness_cpuset({local}, {0, 1, 2, 3, 4, 5, 6, 7}).empty());
}
