// Every shipped scenario validates and expands to the expected plan.
#include <catch2/catch.hpp>
#include <set>

#include "test_util.h"

using namespace deploybench;
using namespace deploybench::scenario;
using namespace deploybench::scenario::testing;

namespace {

RunPlan shipped(const std::string& name, std::map<std::string, std::string> env = {}) {
  Loaded loaded = load_file(kScenarios / (name + ".yaml"), std::move(env));
  INFO(loaded.text());
  REQUIRE(loaded.plan.ok());
  CHECK(loaded.plan->name == name);
  CHECK(loaded.plan->sha256.size() == 64);
  // No shipped file warns, but for a gate baseline that is recorded on the user's machine.
  for (const auto& w : loaded.plan->warnings) {
    INFO(format_diagnostic(w, "warning"));
    CHECK(w.path == "gate.baseline");
  }
  return std::move(loaded.plan).value();
}

std::vector<std::string> deployment_order(const RunPlan& plan) {
  std::vector<std::string> keys;
  for (const auto& c : plan.cells) {
    if (keys.empty() || keys.back() != c.deployment_key) keys.push_back(c.deployment_key);
  }
  return keys;
}

}  // namespace

TEST_CASE("quickstart: two local cells in one deployment, under a minute", "[scenario][shipped]") {
  const RunPlan plan = shipped("quickstart");
  CHECK(ids(plan) ==
        std::vector<std::string>{"local/tiny-int8/chat/closed/c1/r1", "local/tiny-int8/chat/closed/c4/r1"});
  CHECK(plan.deployments == 1);
  const Cell& c4 = plan.cells[1];
  CHECK(std::holds_alternative<target::LocalConfig>(c4.target.kind));
  CHECK(std::get<target::LocalConfig>(c4.target.kind).command.empty());  // the bundled refbot
  CHECK(c4.target.model.preset == "tiny");
  CHECK(c4.target.model.precision == "int8");
  CHECK(c4.workload.stream);
  CHECK(c4.workload.max_tokens == 32);
  CHECK(c4.workload.fix_output_length);
  CHECK(std::get<loadgen::ClosedLoop>(c4.load.pattern).concurrency == 4);
  CHECK(c4.load.warmup == std::chrono::seconds(1));
  CHECK(c4.load.duration == std::chrono::seconds(5));
  CHECK(plan.estimated_duration < std::chrono::minutes(1));
  CHECK(plan.slo == std::vector<std::string>{"p95(ttft) < 500ms", "error_rate < 1%"});
}

TEST_CASE("seed-comparison: four kinds of deployment, three interleaved repetitions", "[scenario][shipped]") {
  const RunPlan plan = shipped("seed-comparison");
  CHECK(plan.cells.size() == 4 * 2 * 3);
  CHECK(plan.deployments == 12);
  CHECK(deployment_order(plan) ==
        std::vector<std::string>{"physical/tiny-int8#r1", "container/tiny-int8#r1", "vm/tiny-int8#r1",
                                 "cloud-sim/tiny-int8#r1", "physical/tiny-int8#r2", "vm/tiny-int8#r2",
                                 "cloud-sim/tiny-int8#r2", "container/tiny-int8#r2", "cloud-sim/tiny-int8#r3",
                                 "vm/tiny-int8#r3", "physical/tiny-int8#r3", "container/tiny-int8#r3"});
  std::set<std::string> kinds;
  for (const auto& c : plan.cells) kinds.insert(c.axes.at("kind"));
  CHECK(kinds == std::set<std::string>{"local", "container", "vm"});
  const Cell* cloud = nullptr;
  const Cell* vm = nullptr;
  for (const auto& c : plan.cells) {
    if (c.axes.at("target") == "cloud-sim") cloud = &c;
    if (c.axes.at("target") == "vm") vm = &c;
  }
  REQUIRE(cloud != nullptr);
  REQUIRE(cloud->target.network.has_value());
  CHECK(cloud->target.network->delay == std::chrono::milliseconds(40));
  CHECK(cloud->target.network->jitter == std::chrono::milliseconds(5));
  REQUIRE(vm != nullptr);
  CHECK(std::get<target::VmConfig>(vm->target.kind).memory_bytes == 512ull << 20);
  CHECK(vm->target.ready_timeout == std::chrono::seconds(300));
  CHECK(vm->load.duration == std::chrono::seconds(45));     // the target's own window...
  CHECK(cloud->load.duration == std::chrono::seconds(15));  // ...the others keep the scenario's
  // The same requests everywhere: one seed for every workload and load.
  for (const auto& c : plan.cells) {
    CHECK(c.workload.seed == 7);
    CHECK(c.load.seed == 7);
  }
}

TEST_CASE("int8-vs-fp32: the model alternates every deployment", "[scenario][shipped]") {
  const RunPlan plan = shipped("int8-vs-fp32");
  CHECK(plan.cells.size() == 12);
  CHECK(deployment_order(plan) == std::vector<std::string>{"local/small-fp32#r1", "local/small-int8#r1",
                                                           "local/small-fp32#r2", "local/small-int8#r2",
                                                           "local/small-fp32#r3", "local/small-int8#r3"});
  CHECK(plan.cells[0].target.model.precision == "fp32");
  CHECK(plan.cells[2].target.model.precision == "int8");
}

TEST_CASE("capacity-sweep: five geometric rate steps, then an automatic sweep", "[scenario][shipped]") {
  const RunPlan plan = shipped("capacity-sweep");
  REQUIRE(plan.cells.size() == 5 + 2 + 4);
  CHECK(plan.deployments == 1);
  const std::vector<double> rates = {1, 2, 4, 8, 16};
  for (std::size_t i = 0; i < 5; ++i) {
    const Cell& c = plan.cells[i];
    REQUIRE(c.sweep.has_value());
    CHECK(c.sweep->count == 5);
    CHECK(c.sweep->stop_slo == std::vector<std::string>{"p95(ttft) < 500ms", "error_rate < 1%"});
    const auto& open = std::get<loadgen::OpenLoop>(c.load.pattern);
    CHECK(open.rate_per_s == Approx(rates[i]));
    CHECK(open.max_in_flight == 64);
    CHECK(open.arrival == loadgen::Arrival::Poisson);
  }
  CHECK(plan.cells[5].id == "local/tiny-int8/chat/auto/sync/r1");
  CHECK(plan.cells[6].sweep->role == SweepRole::Saturating);
  CHECK(std::get<loadgen::ClosedLoop>(plan.cells[6].load.pattern).concurrency == 16);
  CHECK(plan.cells[10].id == "local/tiny-int8/chat/auto/s4/r1");
  CHECK(plan.cells[10].sweep->role == SweepRole::AutoRate);
  CHECK(plan.cells[10].sweep->rate_count == 4);
}

TEST_CASE("ci-gate: short repetitions and a gate whose baseline CI can override", "[scenario][shipped]") {
  const RunPlan plan = shipped("ci-gate");
  CHECK(plan.cells.size() == 5);
  CHECK(plan.deployments == 5);
  CHECK(plan.estimated_duration < std::chrono::minutes(1));
  REQUIRE(plan.gate.has_value());
  CHECK(plan.gate->baseline == (kSourceDir / "results/baselines/ci-gate.json").lexically_normal());
  REQUIRE(plan.gate->max_regression.size() == 3);
  CHECK(plan.gate->max_regression[0] == std::pair<std::string, double>{"p95(ttft)", 0.25});
  const RunPlan overridden = shipped("ci-gate", {{"DEPLOYBENCH_BASELINE", "/tmp/base.json"}});
  CHECK(overridden.gate->baseline == "/tmp/base.json");
}
