// Matrix expansion: defaults, the pinned cell order, repetitions, exclude rules and sweeps.
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "test_util.h"

using namespace deploybench;
using namespace deploybench::scenario;
using namespace deploybench::scenario::testing;

namespace {

const char* kTwoTargets = R"(name: two
seed: 5
targets:
  a: {kind: local}
  b: {kind: local, cpuset: "1"}
workloads:
  chat: {max_tokens: 8}
loads:
  closed: {closed: {concurrency: [1, 4]}}
)";

RunPlan plan_of(const std::string& yaml, std::map<std::string, std::string> env = {}) {
  Loaded loaded = load_text(yaml, std::move(env));
  INFO(loaded.text());
  REQUIRE(loaded.plan.ok());
  return std::move(loaded.plan).value();
}

}  // namespace

TEST_CASE("a scenario with only a name runs one local cell with every default", "[scenario][expand]") {
  const RunPlan plan = plan_of("name: minimal\n");
  REQUIRE(plan.cells.size() == 1);
  const Cell& c = plan.cells.front();
  CHECK(c.id == "local/tiny-int8/chat/closed/r1");
  CHECK(std::holds_alternative<target::LocalConfig>(c.target.kind));
  CHECK(c.axes.at("kind") == "local");
  CHECK(std::get<loadgen::ClosedLoop>(c.load.pattern).concurrency == 1);
  CHECK(c.load.duration == std::chrono::seconds(10));
  CHECK(plan.deployments == 1);
}

TEST_CASE("a target without kind is local", "[scenario][expand]") {
  const RunPlan plan = plan_of("name: k\ntargets:\n  box: {cpus: 1.5, memory: 512m}\n");
  const auto& local = std::get<target::LocalConfig>(plan.cells.front().target.kind);
  CHECK(local.limits.cpus == 1.5);
  CHECK(local.limits.memory_bytes == 512ull << 20);
}

TEST_CASE("sequential order keeps each target's repetitions together", "[scenario][expand]") {
  const RunPlan plan = plan_of(std::string(kTwoTargets) + "repeat: 2\norder: sequential\n");
  CHECK(ids(plan) == std::vector<std::string>{"a/tiny-int8/chat/closed/c1/r1", "a/tiny-int8/chat/closed/c4/r1",
                                              "a/tiny-int8/chat/closed/c1/r2", "a/tiny-int8/chat/closed/c4/r2",
                                              "b/tiny-int8/chat/closed/c1/r1", "b/tiny-int8/chat/closed/c4/r1",
                                              "b/tiny-int8/chat/closed/c1/r2", "b/tiny-int8/chat/closed/c4/r2"});
  CHECK(plan.deployments == 4);  // each repetition is a fresh deployment
}

TEST_CASE("interleaved order alternates two targets ABAB", "[scenario][expand]") {
  const RunPlan plan = plan_of(std::string(kTwoTargets) + "repeat: 3\n");
  std::vector<std::string> keys;
  for (const auto& c : plan.cells) {
    if (keys.empty() || keys.back() != c.deployment_key) keys.push_back(c.deployment_key);
  }
  CHECK(keys == std::vector<std::string>{"a/tiny-int8#r1", "b/tiny-int8#r1", "a/tiny-int8#r2", "b/tiny-int8#r2",
                                         "a/tiny-int8#r3", "b/tiny-int8#r3"});
  CHECK(plan.deployments == 6);
  CHECK(plan.cells.size() == 12);
  // Within a deployment the levels keep file order.
  CHECK(plan.cells[0].axes.at("concurrency") == "1");
  CHECK(plan.cells[1].axes.at("concurrency") == "4");
}

TEST_CASE("interleaved rounds after the first are a seeded permutation (pinned)", "[scenario][expand]") {
  const std::string yaml = "name: pin\nseed: 5\nrepeat: 3\ntargets:\n  a: {}\n  b: {}\n  c: {}\n";
  const RunPlan plan = plan_of(yaml);
  std::vector<std::string> order;
  for (const auto& c : plan.cells) order.push_back(c.axes.at("target") + std::to_string(c.repetition));
  // Pinned: changing the shuffle changes every interleaved run's order; update it knowingly.
  CHECK(order == std::vector<std::string>{"a1", "b1", "c1", "a2", "c2", "b2", "a3", "b3", "c3"});
  CHECK(ids(plan_of(yaml)) == ids(plan));     // the same file gives the same order
  std::set<std::vector<std::string>> orders;  // the seed drives the permutation
  for (int seed = 1; seed <= 10; ++seed) {
    orders.insert(ids(
        plan_of("name: pin\nseed: " + std::to_string(seed) + "\nrepeat: 3\ntargets:\n  a: {}\n  b: {}\n  c: {}\n")));
  }
  CHECK(orders.size() > 1);
}

TEST_CASE("interleaving covers every group once per round for many targets and seeds", "[scenario][expand]") {
  for (int seed = 1; seed <= 20; ++seed) {
    const RunPlan plan = plan_of("name: many\nseed: " + std::to_string(seed) +
                                 "\nrepeat: 4\ntargets:\n  a: {}\n  b: {}\n  c: {}\n  d: {}\n");
    REQUIRE(plan.cells.size() == 16);
    CHECK(plan.deployments == 16);
    for (int round = 0; round < 4; ++round) {
      std::set<std::string> targets;
      if (round > 0) {  // a round never starts with the target the previous round ended with
        CHECK(plan.cells[static_cast<std::size_t>(round * 4)].axes.at("target") !=
              plan.cells[static_cast<std::size_t>(round * 4 - 1)].axes.at("target"));
      }
      for (int i = 0; i < 4; ++i) {
        const Cell& c = plan.cells[static_cast<std::size_t>(round * 4 + i)];
        CHECK(c.repetition == round + 1);
        targets.insert(c.axes.at("target"));
      }
      CHECK(targets.size() == 4);
    }
  }
}

TEST_CASE("targets and models are the outer axes, in matrix order", "[scenario][expand]") {
  const RunPlan plan = plan_of(R"(name: order
targets: {a: {}, b: {}}
models:
  fp32: {precision: fp32}
  int8: {precision: int8}
workloads: {short: {}, long: {input_tokens: 512}}
loads: {c1: {closed: {concurrency: 1}}}
matrix:
  target: [b, a]
  model: [int8, fp32]
)");
  CHECK(ids(plan) == std::vector<std::string>{"b/int8/short/c1/r1", "b/int8/long/c1/r1", "b/fp32/short/c1/r1",
                                              "b/fp32/long/c1/r1", "a/int8/short/c1/r1", "a/int8/long/c1/r1",
                                              "a/fp32/short/c1/r1", "a/fp32/long/c1/r1"});
  CHECK(plan.deployments == 4);
  CHECK(plan.cells[2].target.model.precision == "fp32");
  CHECK(plan.cells[2].axes.at("precision") == "fp32");
}

TEST_CASE("exclude rules drop matching cells; derived axes can be used", "[scenario][expand]") {
  const RunPlan plan = plan_of(std::string(kTwoTargets) + R"(matrix:
  exclude:
    - {target: b, concurrency: 4}
)");
  CHECK(ids(plan) == std::vector<std::string>{"a/tiny-int8/chat/closed/c1/r1", "a/tiny-int8/chat/closed/c4/r1",
                                              "b/tiny-int8/chat/closed/c1/r1"});
  const Loaded all_gone = load_text(std::string(kTwoTargets) + "matrix:\n  exclude: [{load: closed}]\n");
  REQUIRE(all_gone.diagnostics.size() == 1);
  CHECK_THAT(all_gone.diagnostics.front().message, Catch::Contains("every cell is excluded"));
  CHECK(all_gone.diagnostics.front().line == 11);
}

TEST_CASE("open-loop levels and a capacity sweep expand into rate steps", "[scenario][expand]") {
  const RunPlan plan = plan_of(R"(name: sweep
slo: ["p95(ttft) < 500ms"]
loads:
  poisson: {open: {rate: [2/s, 480/m], max_in_flight: 16}}
  capacity:
    sweep: {kind: capacity, from: 1/s, to: 16/s, steps: 5}
  linear:
    sweep: {kind: capacity, from: 2/s, to: 10/s, steps: 3, spacing: linear, slo: ["error_rate < 1%"]}
)");
  REQUIRE(plan.cells.size() == 2 + 5 + 3);
  CHECK(plan.cells[0].id == "local/tiny-int8/chat/poisson/2rps/r1");
  CHECK(plan.cells[1].id == "local/tiny-int8/chat/poisson/8rps/r1");
  CHECK(plan.cells[1].axes.at("rate") == "8/s");
  CHECK(std::get<loadgen::OpenLoop>(plan.cells[1].load.pattern).max_in_flight == 16);
  const std::vector<double> expected = {1, 2, 4, 8, 16};
  for (std::size_t i = 0; i < 5; ++i) {
    const Cell& c = plan.cells[2 + i];
    CHECK(std::get<loadgen::OpenLoop>(c.load.pattern).rate_per_s == Approx(expected[i]));
    REQUIRE(c.sweep.has_value());
    CHECK(c.sweep->index == static_cast<int>(i));
    CHECK(c.sweep->count == 5);
    CHECK(c.sweep->group == "local/tiny-int8/chat/capacity/r1");
    CHECK(c.sweep->stop_slo == std::vector<std::string>{"p95(ttft) < 500ms"});
  }
  CHECK(plan.cells[2].id == "local/tiny-int8/chat/capacity/s1/r1");
  CHECK(std::get<loadgen::OpenLoop>(plan.cells[8].load.pattern).rate_per_s == Approx(6));
  CHECK(plan.cells[8].sweep->stop_slo == std::vector<std::string>{"error_rate < 1%"});
  CHECK_FALSE(plan.cells[0].sweep.has_value());
}

TEST_CASE("an automatic capacity sweep bounds the rate first and fills its rates at run time", "[scenario][expand]") {
  const RunPlan plan = plan_of(R"(name: auto
slo: ["p95(ttft) < 500ms"]
loads:
  capacity:
    sweep: {kind: capacity, steps: 3, saturation: 16, max_in_flight: 64}
)");
  REQUIRE(plan.cells.size() == 2 + 3);
  CHECK(plan.cells[0].id == "local/tiny-int8/chat/capacity/sync/r1");
  CHECK(plan.cells[1].id == "local/tiny-int8/chat/capacity/saturate/r1");
  CHECK(plan.cells[2].id == "local/tiny-int8/chat/capacity/s1/r1");
  CHECK(plan.cells[0].sweep->role == SweepRole::Synchronous);
  CHECK(std::get<loadgen::ClosedLoop>(plan.cells[0].load.pattern).concurrency == 1);
  CHECK(plan.cells[1].sweep->role == SweepRole::Saturating);
  CHECK(std::get<loadgen::ClosedLoop>(plan.cells[1].load.pattern).concurrency == 16);
  CHECK(plan.cells[1].axes.at("concurrency") == "16");
  for (int i = 0; i < 3; ++i) {
    const Cell& c = plan.cells[2 + static_cast<std::size_t>(i)];
    REQUIRE(c.sweep.has_value());
    CHECK(c.sweep->role == SweepRole::AutoRate);
    CHECK(c.sweep->rate_index == i);
    CHECK(c.sweep->rate_count == 3);
    CHECK(c.sweep->group == "local/tiny-int8/chat/capacity/r1");
    CHECK(c.axes.at("rate") == "auto");
    CHECK(std::get<loadgen::OpenLoop>(c.load.pattern).max_in_flight == 64);
  }
  // The runner fills the rate in: pattern and setting agree; the axis stays "auto".
  Cell c = plan.cells[3];
  set_sweep_rate(c, 7.5);
  CHECK(std::get<loadgen::OpenLoop>(c.load.pattern).rate_per_s == 7.5);
  CHECK(c.axes.at("rate") == "auto");
  const auto rate =
      std::find_if(c.settings.begin(), c.settings.end(), [](const auto& kv) { return kv.first == "load.rate"; });
  REQUIRE(rate != c.settings.end());
  CHECK(rate->second == "7.5/s");
  CHECK(std::find_if(plan.cells[3].settings.begin(), plan.cells[3].settings.end(),
                     [](const auto& kv) { return kv.second.rfind("auto", 0) == 0; }) != plan.cells[3].settings.end());
  // A bound step is not an AutoRate step: set_sweep_rate leaves it alone.
  Cell bound = plan.cells[0];
  set_sweep_rate(bound, 3.0);
  CHECK(std::holds_alternative<loadgen::ClosedLoop>(bound.load.pattern));
}

TEST_CASE("kind-specific fields reach the target config", "[scenario][expand]") {
  const RunPlan plan = plan_of(R"(name: kinds
targets:
  own:
    kind: container
    image: localhost/my-server:1
    args: [--listen, "0.0.0.0:{port}"]
    port: 9000
    health_path: /ready
    watchdog: 2h
    host_network: true
  vm: {kind: vm, vcpus: 2, memory: 1g, cpuset: "0-1", accel: tcg, cpu: qemu64}
  app: {kind: local, command: [my-server, --port, "{port}"], health_path: /healthz}
loads:
  open: {open: {rate: 4/s, connections: 8, arrival: constant}}
)");
  REQUIRE(plan.cells.size() == 3);
  const auto& own = std::get<target::ContainerConfig>(plan.cells[0].target.kind);
  CHECK(own.image == "localhost/my-server:1");
  CHECK(own.args == std::vector<std::string>{"--listen", "0.0.0.0:{port}"});
  CHECK(own.port == 9000);
  CHECK(own.health_path == "/ready");
  CHECK(own.watchdog == std::chrono::hours(2));
  CHECK(own.host_network);
  const auto& vm = std::get<target::VmConfig>(plan.cells[1].target.kind);
  CHECK(vm.vcpus == 2);
  CHECK(vm.memory_bytes == 1ull << 30);
  CHECK(vm.cpuset == "0-1");
  CHECK(vm.accel == "tcg");
  CHECK(vm.cpu == "qemu64");
  const auto& app = std::get<target::LocalConfig>(plan.cells[2].target.kind);
  CHECK(app.command == std::vector<std::string>{"my-server", "--port", "{port}"});
  CHECK(app.health_path == "/healthz");
  const auto& open = std::get<loadgen::OpenLoop>(plan.cells[0].load.pattern);
  CHECK(open.connections == 8);
  CHECK(open.arrival == loadgen::Arrival::Constant);
  CHECK(open.rate_per_s == 4.0);
}

TEST_CASE("a local command must mention {port}; args need an image", "[scenario][expand]") {
  const Loaded loaded = load_text(R"(name: kinds
targets:
  app: {kind: local, command: [my-server, --port, "8080"]}
  box: {kind: container, args: [--fast]}
)");
  INFO(loaded.text());
  REQUIRE(loaded.diagnostics.size() == 2);
  CHECK_THAT(loaded.diagnostics[0].message, Catch::Contains("never mentions {port}"));
  CHECK(loaded.diagnostics[1].path == "targets.box.args");
}
