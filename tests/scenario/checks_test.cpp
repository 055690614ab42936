// What the loader checks beyond the schema: every threshold expression through the check it is
// handed (the apps hand it compare's grammar), with the file's other problems and their
// positions; and the warnings that do not stop a plan (a prompt that could overflow a refbot
// preset's context, a gate baseline that does not exist).
#include <fmt/format.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "core/fs.h"
#include "test_util.h"

using namespace deploybench;
using namespace deploybench::scenario;
using namespace deploybench::scenario::testing;

namespace {

// Stands in for compare::check_threshold: anything mentioning "bad" is rejected, with a hint.
Status reject_bad(std::string_view expression) {
  if (expression.find("bad") == std::string_view::npos) return Ok{};
  return make_error(ErrorCode::InvalidArgument, fmt::format("threshold '{}': bad metric", expression), "fix it");
}

const Diagnostic* find_path(const std::vector<Diagnostic>& diagnostics, const std::string& path) {
  for (const auto& d : diagnostics)
    if (d.path == path) return &d;
  return nullptr;
}

}  // namespace

TEST_CASE("every threshold list goes through the handed check, each problem with its position", "[scenario][slo]") {
  const Loaded loaded = load_text(R"(name: slos
targets:
  local: {kind: local, memroy: 1g}
slo: ["p95(ttft) < 500ms", "bad(ttft) < 1s", "error_rate < bad"]
loads:
  capacity:
    sweep: {kind: capacity, from: 1/s, to: 2/s, steps: 2, slo: ["bad_p95 < 500ms"]}
gate:
  baseline: base.json
  max_regression: {p95(ttft): 10%, bad_metric: 5%}
)",
                                  {}, kSourceDir / "tests/scenario/inline.yaml", reject_bad);
  INFO(loaded.text());
  REQUIRE_FALSE(loaded.plan.ok());
  CHECK(find_path(loaded.diagnostics, "targets.local.memroy"));  // reported with the SLO problems
  const Diagnostic* slo1 = find_path(loaded.diagnostics, "slo[1]");
  REQUIRE(slo1);
  CHECK(slo1->message == "threshold 'bad(ttft) < 1s': bad metric");
  CHECK(slo1->hint == "fix it");
  CHECK(std::pair(slo1->line, slo1->column) == std::pair(4, 28));
  const Diagnostic* slo2 = find_path(loaded.diagnostics, "slo[2]");
  REQUIRE(slo2);
  CHECK(std::pair(slo2->line, slo2->column) == std::pair(4, 46));
  CHECK_FALSE(find_path(loaded.diagnostics, "slo[0]"));
  const Diagnostic* sweep = find_path(loaded.diagnostics, "loads.capacity.sweep.slo[0]");
  REQUIRE(sweep);
  CHECK(std::pair(sweep->line, sweep->column) == std::pair(7, 65));
  // A gate limit is checked as the expression the gate evaluates.
  const Diagnostic* gate = find_path(loaded.diagnostics, "gate.max_regression.bad_metric");
  REQUIRE(gate);
  CHECK(gate->message == "threshold 'bad_metric regresses by more than 5%': bad metric");
  CHECK(gate->line == 10);
  CHECK(loaded.diagnostics.size() == 5);
}

TEST_CASE("without a handed check, thresholds get the light syntax check", "[scenario][slo]") {
  const Loaded ok = load_text(R"(name: light
slo: ["p95(ttft) < 500ms", "stddev(e2e) <= 1s", "throughput > 5"]
gate: {baseline: base.json, max_regression: {p99.9(ttft): 10%, throughput: 5%}}
)");
  INFO(ok.text());
  CHECK(ok.plan.ok());
  const Loaded bad = load_text("name: light\nslo: [\"p95 of ttft < 1s\"]\ngate: {max_regression: {latency: 5%}}\n");
  REQUIRE_FALSE(bad.plan.ok());
  INFO(bad.text());
  REQUIRE(bad.diagnostics.size() == 3);  // and "a gate needs max_regression limits"
  CHECK(bad.diagnostics[0].message == "'p95 of ttft < 1s' is not a threshold expression");
  CHECK(bad.diagnostics[2].message == "'latency regresses by more than 5%' is not a threshold expression");
}

TEST_CASE("prompts that could overflow a refbot preset's context warn at input_tokens", "[scenario][context]") {
  const Loaded loaded = load_text(R"(name: long-prompts
models:
  tiny-int8: {preset: tiny}
  small-int8: {preset: small}
workloads:
  short: {input_tokens: 32, max_tokens: 64}
  long: {input_tokens: {uniform: {min: 16, max: 128}}, max_tokens: 64}
  longer:
    input_tokens: {normal: {mean: 64, stddev: 16, min: 1, max: 512}}
)");
  INFO(loaded.text());
  REQUIRE(loaded.plan.ok());
  const auto& warnings = loaded.plan->warnings;
  // short fits everywhere; long overflows tiny only; longer overflows tiny and small (512 words).
  REQUIRE(warnings.size() == 3);
  CHECK(warnings[0].path == "workloads.long.input_tokens");
  CHECK(std::pair(warnings[0].line, warnings[0].column) == std::pair(7, 24));
  CHECK(warnings[0].message ==
        "workload 'long' could overflow the 256-token context of refbot's 'tiny' preset (model 'tiny-int8'): up to "
        "128 input words are up to ~665 tokens for it, plus max_tokens 64");
  CHECK_THAT(warnings[0].hint, Catch::Contains("~4-5 tokens per word"));
  CHECK(warnings[1].path == "workloads.longer.input_tokens");
  CHECK(warnings[1].line == 9);
  CHECK_THAT(warnings[1].message, Catch::Contains("'tiny' preset"));
  CHECK(warnings[2].path == "workloads.longer.input_tokens");
  CHECK_THAT(warnings[2].message, Catch::Contains("1024-token context of refbot's 'small' preset"));
  CHECK(format_diagnostic(warnings[0], "warning")
            .starts_with(loaded.plan->file.string() + ":7:24: warning: workloads.long.input_tokens: workload 'long'"));
}

TEST_CASE("the context warning counts a system prompt and skips what refbot's presets do not serve",
          "[scenario][context]") {
  // 40 words: 25 + 200 tokens fit 256 with max_tokens 31, not with 32.
  CHECK(load_text("name: fits\nworkloads:\n  w: {input_tokens: 40, max_tokens: 31}\n").plan->warnings.empty());
  CHECK(load_text("name: over\nworkloads:\n  w: {input_tokens: 40, max_tokens: 32}\n").plan->warnings.size() == 1);
  CHECK(load_text("name: sys\nworkloads:\n  w: {input_tokens: 20, max_tokens: 32, system_prompt: " +
                  std::string(90, 'x') + "}\n")
            .plan->warnings.size() == 1);
  const std::string long_prompts = "workloads:\n  w: {input_tokens: 500}\n";
  CHECK(load_text("name: remote\ntargets:\n  api: {kind: remote, base_url: \"http://127.0.0.1:9\", model: m}\n" +
                  long_prompts)
            .plan->warnings.empty());
  CHECK(load_text("name: own\ntargets:\n  mine: {kind: local, command: [my-server, \"{port}\"]}\n" + long_prompts)
            .plan->warnings.empty());
  CHECK(load_text("name: big\nmodels:\n  base: {preset: base}\nworkloads:\n  w: {input_tokens: 150}\n")
            .plan->warnings.empty());
}

TEST_CASE("a gate baseline that does not exist warns, resolved against the scenario's directory", "[scenario][gate]") {
  const auto dir = std::filesystem::temp_directory_path() / ("deploybench_gate_warn_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "baselines");
  std::ofstream(dir / "baselines/there.json") << "{}";
  const auto file = dir / "scenario.yaml";
  const std::string gate = "\n  max_regression: {p95(ttft): 10%}\n";
  const Loaded missing = load_text("name: g\ngate:\n  baseline: baselines/missing.json" + gate, {}, file);
  INFO(missing.text());
  REQUIRE(missing.plan.ok());
  REQUIRE(missing.plan->warnings.size() == 1);
  const Diagnostic& w = missing.plan->warnings[0];
  CHECK(w.path == "gate.baseline");
  CHECK(std::pair(w.line, w.column) == std::pair(3, 13));
  CHECK(w.message ==
        "baseline '" + (dir / "baselines/missing.json").string() + "' does not exist: `run` will fail the gate");
  CHECK(load_text("name: g\ngate:\n  baseline: baselines/there.json" + gate, {}, file).plan->warnings.empty());
  std::filesystem::remove_all(dir);
}

TEST_CASE("the documented examples fit the default model's context", "[scenario][context][docs]") {
  auto readme = read_file(kScenarios / "README.md");
  REQUIRE(readme.ok());
  // The complete example: valid, and no warning but its baseline (recorded by a first run).
  const auto start = readme->find("```yaml\n", readme->find("## A complete example"));
  REQUIRE(start != std::string::npos);
  const auto body = start + 8;
  const Loaded example = load_text(readme->substr(body, readme->find("```", body) - body), {}, kScenarios / "x.yaml");
  INFO(example.text());
  REQUIRE(example.plan.ok());
  for (const auto& w : example.plan->warnings) {
    INFO(format_diagnostic(w, "warning"));
    CHECK(w.path == "gate.baseline");
  }
  // Each input_tokens example of the workloads table, on the default model.
  const auto row = readme->find("| `input_tokens` |");
  REQUIRE(row != std::string::npos);
  const std::string line = readme->substr(row, readme->find('\n', row) - row);
  int examples = 0;
  for (auto tick = line.find("`{"); tick != std::string::npos; tick = line.find("`{", tick + 1)) {
    const std::string lengths = line.substr(tick + 1, line.find('`', tick + 1) - tick - 1);
    INFO(lengths);
    const Loaded w = load_text("name: doc\nworkloads:\n  chat: {input_tokens: " + lengths + "}\n");
    REQUIRE(w.plan.ok());
    CHECK(w.plan->warnings.empty());
    ++examples;
  }
  CHECK(examples == 2);
}
