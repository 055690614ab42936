// The runner's orchestration with fakes at its seams: lifecycle order (deploy once per group,
// teardown always, also after a failed deploy), results written after every cell.
#include "runner/runner.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "result/result_json.h"
#include "runner/sample_util.h"

using namespace deploybench;
using deploybench::testing::sample;
namespace fs = std::filesystem;

namespace {

using Log = std::vector<std::string>;

class FakeTarget final : public target::Target {
 public:
  FakeTarget(std::string name, bool fail, Log& log) : name_(std::move(name)), fail_(fail), log_(log) {}
  std::string_view kind() const noexcept override { return "local"; }
  Result<Endpoint> deploy(const target::DeployContext&) override {
    log_.push_back("deploy " + name_);
    if (fail_) return make_error(ErrorCode::Failed, "refbot exited with status 1");
    return Endpoint{"http://127.0.0.1:1", "m", "", {}};
  }
  target::TargetInfo describe() const override { return {"local", {{"binary_sha256", "abc"}}}; }
  Result<target::ResourceSample> sample_resources() override {
    cpu_ += 0.1;
    return sample(cpu_, 1000);
  }
  target::LifecycleMetrics lifecycle() const override { return {}; }
  Status teardown() override {
    log_.push_back("teardown " + name_);
    return Ok{};
  }

 private:
  std::string name_;
  bool fail_;
  Log& log_;
  double cpu_ = 0;
};

class FakeFactory final : public runner::TargetFactory {
 public:
  explicit FakeFactory(Log& log) : log_(log) {}
  Result<std::unique_ptr<target::Target>> make(const target::TargetConfig& c) override {
    log_.push_back("make " + c.name);
    return std::unique_ptr<target::Target>(std::make_unique<FakeTarget>(c.name, c.name == "broken", log_));
  }

 private:
  Log& log_;
};

class FakeLoad final : public runner::LoadDriver {
 public:
  explicit FakeLoad(Log& log) : log_(log) {}
  Result<runner::LoadOutcome> run(const Endpoint&, const loadgen::WorkloadConfig&, const loadgen::LoadConfig& load,
                                  const std::atomic<bool>&) override {
    const auto& cl = std::get<loadgen::ClosedLoop>(load.pattern);
    log_.push_back("load c" + std::to_string(cl.concurrency));
    runner::LoadOutcome out;
    out.metrics.requests = out.metrics.completed = 10;
    out.metrics.ttft.count = 10;
    out.metrics.ttft.p50 = std::chrono::milliseconds{5};
    if (cl.concurrency == 4) {
      out.metrics.requests = 11;
      out.metrics.errors = out.metrics.errors_by_kind["http_400"] = 1;
      out.error_examples["http_400"] = R"({"error": {"message": "prompt too long"}})";
    }
    return out;
  }

 private:
  Log& log_;
};

scenario::Cell cell(const std::string& target, int concurrency) {
  scenario::Cell c;
  c.id = target + "/c" + std::to_string(concurrency);
  c.axes = {{"target", target}, {"concurrency", std::to_string(concurrency)}};
  c.deployment_key = target;
  c.target.name = target;
  c.load.pattern = loadgen::ClosedLoop{concurrency, Nanos{0}};
  return c;
}

}  // namespace

TEST_CASE("each group is deployed once and always torn down", "[runner]") {
  const fs::path dir = fs::temp_directory_path() / ("db_runner_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  scenario::RunPlan plan;
  plan.name = "t";
  plan.cells = {cell("a", 1), cell("a", 4), cell("broken", 1), cell("b", 2)};
  Log log;
  FakeFactory factory(log);
  FakeLoad load(log);
  std::vector<std::size_t> cells_on_disk;
  runner::RunnerOptions options;
  options.out_dir = dir;
  options.run_id = "r1";
  options.measure_cold_start = false;
  options.sample_interval = std::chrono::milliseconds{1};
  options.on_cell = [&](const result::CellResult&) {
    auto on_disk = result::load_results((dir / "r1" / "results.json").string());
    REQUIRE(on_disk.ok());
    cells_on_disk.push_back(on_disk->cells.size());
  };
  std::atomic<bool> stop{false};
  auto out = runner::run_plan(plan, options, factory, load, stop);
  REQUIRE(out.ok());

  const Log expected{"make a",        "deploy a",        "load c1", "load c4",  "teardown a", "make broken",
                     "deploy broken", "teardown broken", "make b",  "deploy b", "load c2",    "teardown b"};
  CHECK(log == expected);
  CHECK(cells_on_disk == std::vector<std::size_t>{1, 2, 3, 4});
  CHECK(out->failed_cells == 1);
  REQUIRE(out->results.cells.size() == 4);
  CHECK(out->results.cells[2].error.find("refbot exited with status 1") != std::string::npos);
  CHECK_FALSE(out->results.cells[2].validity.valid);
  CHECK(out->results.cells[0].metrics.completed == 10);
  CHECK(out->results.cells[0].target.details.at("binary_sha256") == "abc");
  CHECK(out->results.cells[0].metrics.target_cpu_seconds > 0);
  // The server's answer to a failed request reaches the results file.
  auto on_disk = result::load_results((dir / "r1" / "results.json").string());
  REQUIRE(on_disk.ok());
  CHECK(on_disk->cells[1].error_examples.at("http_400").find("prompt too long") != std::string::npos);
  CHECK(out->results.manifest.status == "failed");
  fs::remove_all(dir);
}

TEST_CASE("a stop request ends the run after tearing down", "[runner]") {
  const fs::path dir = fs::temp_directory_path() / ("db_runner_stop_" + std::to_string(::getpid()));
  scenario::RunPlan plan;
  plan.cells = {cell("a", 1), cell("b", 1)};
  Log log;
  FakeFactory factory(log);
  FakeLoad load(log);
  runner::RunnerOptions options;
  options.out_dir = dir;
  options.run_id = "r";
  options.measure_cold_start = false;
  std::atomic<bool> stop{false};
  options.on_cell = [&](const result::CellResult&) { stop = true; };
  auto out = runner::run_plan(plan, options, factory, load, stop);
  REQUIRE(out.ok());
  CHECK(out->interrupted);
  CHECK(log == Log{"make a", "deploy a", "load c1", "teardown a"});
  CHECK(out->results.manifest.status == "interrupted");
  fs::remove_all(dir);
}
