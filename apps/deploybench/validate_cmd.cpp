// deploybench validate FILE [--only axis=value,...]: load the scenario exactly as `run` would,
// print every problem (exit 3) or the plan with its effective settings and estimate (exit 0),
// after any warnings (stderr, file:line:col: warning: ...).
#include <fmt/core.h>

#include <cstdio>

#include "commands.h"
#include "compare/threshold.h"
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
  // The threshold grammar lives in compare/ (same layer as scenario/), so it is handed in.
  auto plan =
      scenario::load_plan(options.file, scenario::Environment::process(), &diagnostics, compare::check_threshold);
  if (!plan) {
    for (const auto& d : diagnostics) fmt::print(stderr, "{}\n", scenario::format_diagnostic(d));
    fmt::print(stderr, "error: {}\n", plan.error().message);
    return code(ExitCode::InvalidScenario);
  }
  for (const auto& w : plan->warnings) fmt::print(stderr, "{}\n", scenario::format_diagnostic(w, "warning"));
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
                  "Keep only matching cells, e.g. target=local,precision=int8 ('a|b' for either: quote it, '|' "
                  "is a pipe to the shell)");
  sub->add_flag("-q,--quiet", options->quiet, "Print one summary line instead of the plan");
  sub->callback([options, &exit_code] { exit_code = run_validate(*options); });
}

}  // namespace deploybench::cli
