// The runner's orchestration with fakes at its seams: lifecycle order (deploy once per group,
// teardown always, also after a failed deploy), results written after every cell.
#include "runner/runner.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "result/result_json.h"
#include "runner/production.h"
#include "runner/sample_util.h"
#include "scenario/loader.h"

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
    Endpoint ep;
    ep.base_url = "http://127.0.0.1:1";
    ep.model = "m";
    return ep;
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
    runner::LoadOutcome out;
    out.metrics.requests = out.metrics.completed = 10;
    out.metrics.ttft.count = 10;
    out.metrics.ttft.p50 = out.metrics.ttft.p95 = std::chrono::milliseconds{5};
    if (const auto* open = std::get_if<loadgen::OpenLoop>(&load.pattern)) {
      // A target that keeps p95 TTFT low up to 6 req/s and breaks above.
      log_.push_back(fmt::format("load {:g}/s", open->rate_per_s));
      out.metrics.ttft.p95 = std::chrono::milliseconds{open->rate_per_s > 6 ? 900 : 100};
      out.metrics.requests_per_s = open->rate_per_s;
      return out;
    }
    const auto& cl = std::get<loadgen::ClosedLoop>(load.pattern);
    log_.push_back("load c" + std::to_string(cl.concurrency));
    out.metrics.requests_per_s = 2.0 * std::min(cl.concurrency, 4);  // saturates at 8 req/s
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
  c.load.warmup = Nanos{0};  // FakeLoad has none: the target's CPU time counts from its start
  return c;
}

/// Options for a fake run into `dir`/`run_id`, without the cold-start requests.
runner::RunnerOptions options_for(const fs::path& dir, const std::string& run_id) {
  runner::RunnerOptions options;
  options.out_dir = dir;
  options.run_id = run_id;
  options.measure_cold_start = false;
  return options;
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
  runner::RunnerOptions options = options_for(dir, "r1");
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
  // The version and the revision are recorded apart, so reports print the revision once.
  CHECK(out->results.manifest.tool_version.find("git") == std::string::npos);
  CHECK_FALSE(out->results.manifest.git_revision.empty());
  fs::remove_all(dir);
}

TEST_CASE("a stop request ends the run after tearing down", "[runner]") {
  const fs::path dir = fs::temp_directory_path() / ("db_runner_stop_" + std::to_string(::getpid()));
  scenario::RunPlan plan;
  plan.cells = {cell("a", 1), cell("b", 1)};
  Log log;
  FakeFactory factory(log);
  FakeLoad load(log);
  runner::RunnerOptions options = options_for(dir, "r");
  std::atomic<bool> stop{false};
  options.on_cell = [&](const result::CellResult&) { stop = true; };
  auto out = runner::run_plan(plan, options, factory, load, stop);
  REQUIRE(out.ok());
  CHECK(out->interrupted);
  CHECK(log == Log{"make a", "deploy a", "load c1", "teardown a"});
  CHECK(out->results.manifest.status == "interrupted");
  fs::remove_all(dir);
}

TEST_CASE("sweeps: bounds first, rates filled in, stop at the first step missing the SLO", "[runner]") {
  const fs::path dir = fs::temp_directory_path() / ("db_runner_sweep_" + std::to_string(::getpid()));
  std::vector<Diagnostic> diagnostics;
  auto plan = scenario::parse_plan(R"(name: sweeps
slo: ["p95(ttft) < 500ms"]
loads:
  auto:
    sweep: {kind: capacity, steps: 3, saturation: 16}
  fixed:
    sweep: {kind: capacity, from: 2/s, to: 32/s, steps: 5}
)",
                                   "sweeps.yaml", scenario::Environment::from_map({}), &diagnostics);
  REQUIRE(plan.ok());
  Log log, lines;
  FakeFactory factory(log);
  FakeLoad load(log);
  runner::RunnerOptions options = options_for(dir, "r");
  options.log = [&lines](const std::string& l) { lines.push_back(l); };
  std::atomic<bool> stop{false};
  auto out = runner::run_plan(*plan, options, factory, load, stop);
  REQUIRE(out.ok());
  // Automatic: 1 user gives 2 req/s, 16 users 8 req/s, so the rates are 4, 6 and 8 req/s; 8 misses
  // the SLO. Explicit: 2, 4, 8, 16, 32 req/s, where 8 misses it and 16 and 32 are skipped.
  const Log expected{"make local", "deploy local", "load c1",  "load c16", "load 4/s",      "load 6/s",
                     "load 8/s",   "load 2/s",     "load 4/s", "load 8/s", "teardown local"};
  CHECK(log == expected);
  REQUIRE(out->results.cells.size() == 8);
  const auto& settings = out->results.cells[2].settings;  // the filled-in rate reaches the results
  CHECK(std::find(settings.begin(), settings.end(), std::pair<std::string, std::string>{"load.rate", "4/s"}) !=
        settings.end());
  CHECK_FALSE(out->results.cells[0].sweep_slo_met.has_value());  // bounds are not judged
  CHECK(out->results.cells[3].sweep_slo_met == true);
  CHECK(out->results.cells[4].sweep_slo_met == false);
  const auto said = [&lines](const std::string& text) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.find(text) != std::string::npos; });
  };
  CHECK(said("1 user completed 2 req/s, 16 users 8 req/s; trying 4..8 req/s"));
  CHECK(said("highest level meeting the SLO: rate 6/s"));
  CHECK(said("highest level meeting the SLO: rate 4/s"));
  CHECK(said("skipped (an earlier sweep step missed its SLO)"));
  fs::remove_all(dir);
}

TEST_CASE("a remote target's HTTPS settings reach the load generator", "[runner]") {
  Endpoint ep;
  CHECK_FALSE(runner::tls_of(ep).insecure);
  CHECK(runner::tls_of(ep).ca_file.empty());
  ep.verify_tls = false;
  ep.ca_file = "/etc/ssl/private-ca.pem";
  CHECK(runner::tls_of(ep).insecure);
  CHECK(runner::tls_of(ep).ca_file == "/etc/ssl/private-ca.pem");
}
