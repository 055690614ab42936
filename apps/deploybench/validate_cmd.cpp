// deploybench validate FILE [--only axis=value,...]: load the scenario exactly as `run` would,
// print every problem (exit 3) or the plan with its effective settings and estimate (exit 0).
#include <fmt/core.h>

#include <cstdio>

#include "commands.h"
#include "compare/gate.h"
#include "exit_codes.h"
#include "scenario/filter.h"
#include "scenario/loader.h"
#include "scenario/render.h"

namespace deploybench::cli {
namespace {

struct ValidateOptions {
  std::string file;
  std::string only;
  bool quiet = false;
};

int run_validate(const ValidateOptions& options) {
  std::vector<Diagnostic> diagnostics;
  auto plan = scenario::load_plan(options.file, scenario::Environment::process(), &diagnostics);
  if (!plan) {
    for (const auto& d : diagnostics) fmt::print(stderr, "{}\n", scenario::format_diagnostic(d));
    fmt::print(stderr, "error: {}\n", plan.error().message);
    return code(ExitCode::InvalidScenario);
  }
  // The SLO grammar lives in compare/ (same layer as scenario/), so it is checked here.
  if (auto t = compare::parse_thresholds(plan->slo); !t) {
    fmt::print(stderr, "{}: slo: {}{}\n", options.file, t.error().message,
               t.error().hint.empty() ? "" : " (" + t.error().hint + ")");
    return code(ExitCode::InvalidScenario);
  }
  if (!options.only.empty()) {
    auto only = scenario::parse_only(options.only);
    auto filtered = only ? scenario::filter(*plan, *only) : Result<scenario::RunPlan>(only.error());
    if (!filtered) {
      fmt::print(stderr, "error: {}{}\n", filtered.error().message,
                 filtered.error().hint.empty() ? "" : " (" + filtered.error().hint + ")");
      return code(ExitCode::Usage);
    }
    plan = std::move(filtered);
  }
  if (options.quiet) {
    fmt::print("{}: ok, {} cells, {} deployments, about {}\n", options.file, plan->cells.size(), plan->deployments,
               scenario::human_duration(plan->estimated_duration));
  } else {
    fmt::print("{}", scenario::render_plan(*plan));
  }
  return code(ExitCode::Ok);
}

}  // namespace

void setup_validate(CLI::App& app, int& exit_code) {
  auto* sub = app.add_subcommand("validate", "Check a scenario file and print its plan (cells, settings, estimate)");
  auto options = std::make_shared<ValidateOptions>();
  sub->add_option("scenario", options->file, "Scenario YAML file")->required();
  sub->add_option("--only", options->only,
                  "Keep only matching cells, e.g. target=local,precision=int8 (a|b for either)");
  sub->add_flag("-q,--quiet", options->quiet, "Print one summary line instead of the plan");
  sub->callback([options, &exit_code] { exit_code = run_validate(*options); });
}

}  // namespace deploybench::cli
