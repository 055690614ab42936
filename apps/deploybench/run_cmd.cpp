// deploybench run FILE: load and validate the scenario, deploy each target once per group of
// cells, drive load, write results/<run-id>/ after every cell, print a table, then apply the
// scenario's SLOs and gate. Exit codes: 0 ok, 1 a cell failed, 3 invalid scenario, 4 SLO/gate
// failed, 130 interrupted (targets torn down first).
#include <fmt/core.h>
#include <sched.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "commands.h"
#include "compare/gate.h"
#include "compare/gate_output.h"
#include "core/fs.h"
#include "exit_codes.h"
#include "output.h"
#include "report/report.h"
#include "result/cell_key.h"
#include "runner/goodput_slo.h"
#include "runner/interrupt.h"
#include "runner/production.h"
#include "scenario/filter.h"
#include "scenario/loader.h"
#include "scenario/render.h"
#include "target/cpuset.h"
#include "terminal_progress.h"

namespace deploybench::cli {
namespace {

struct RunOptions {
  std::string file;
  std::string out_dir;  // empty: the scenario's output.dir
  std::string only;
  std::string run_id;
  std::string baseline;
  bool dry_run = false;
  bool quiet = false;
};

void print_error(const Error& e) {
  fmt::print(stderr, "error: {}\n", e.message);
  if (!e.hint.empty()) fmt::print(stderr, "hint: {}\n", e.hint);
}

Result<scenario::RunPlan> load(const RunOptions& o) {
  std::vector<Diagnostic> diagnostics;
  auto plan = scenario::load_plan(o.file, scenario::Environment::process(), &diagnostics, compare::check_threshold);
  if (!plan) {
    for (const auto& d : diagnostics) fmt::print(stderr, "{}\n", scenario::format_diagnostic(d));
    return plan.error();
  }
  for (const auto& w : plan->warnings)  // --baseline replaces the scenario's baseline
    if (o.baseline.empty() || w.path != "gate.baseline")
      fmt::print(stderr, "{}\n", scenario::format_diagnostic(w, "warning"));
  if (o.only.empty()) return plan;
  auto only = scenario::parse_only(o.only);
  if (!only) return only.error();
  return scenario::filter(*plan, *only);
}

/// On a small machine the harness is pinned away from the targets (recorded by the targets).
void pin_harness(const scenario::RunPlan& plan, const target::Environment& env, bool quiet) {
  std::vector<target::TargetConfig> targets;
  for (const auto& c : plan.cells) targets.push_back(c.target);
  const std::string set = target::harness_cpuset(targets, env.cpus);
  if (set.empty()) return;
  auto cpus = target::parse_cpuset(set);
  if (!cpus) return;
  cpu_set_t mask;
  CPU_ZERO(&mask);
  for (int c : *cpus) CPU_SET(c, &mask);
  if (::sched_setaffinity(0, sizeof mask, &mask) == 0 && !quiet)
    emit(stderr, fmt::format("placement: harness pinned to CPU {}\n", set));
}

void write_reports(const scenario::RunPlan& plan, const runner::RunOutcome& out) {
  for (const auto& name : plan.output.formats) {
    auto format = report::parse_format(name);
    if (!format || *format == report::Format::Json || *format == report::Format::Csv) continue;
    const auto path = out.run_dir / report::default_file_name(*format);
    if (auto s = write_file_atomic(path, report::render(out.results, *format)); !s)
      fmt::print(stderr, "warning: {}\n", s.error().message);
  }
}

/// The cells the run's SLOs judge: every cell but capacity-sweep steps, whose verdict is the
/// capacity they found (a sweep is meant to run until its SLO breaks).
result::ResultSet judged_by_slos(const result::ResultSet& results) {
  result::ResultSet out{results.manifest, {}};
  for (const auto& c : results.cells)
    if (!result::is_sweep_step(c)) out.cells.push_back(c);
  if (const auto skipped = results.cells.size() - out.cells.size(); skipped > 0)
    fmt::print("SLOs: {} capacity-sweep cell(s) not judged here: a sweep's result is its capacity line above\n",
               skipped);
  return out;
}

/// SLOs and the gate section, printed as a verdict. Returns the exit code they imply.
int apply_slos_and_gate(const scenario::RunPlan& plan, const runner::RunOutcome& out, const std::string& baseline) {
  int rc = code(ExitCode::Ok);
  const result::ResultSet judged = judged_by_slos(out.results);
  if (!plan.slo.empty() && !judged.cells.empty()) {
    auto v = compare::evaluate_slos(judged, plan.slo);
    if (!v) {
      print_error(v.error());
      return code(ExitCode::Failure);
    }
    fmt::print("{}", compare::render_verdict_text(*v, "SLOs"));
    (void)write_file_atomic(out.run_dir / "slo-junit.xml", compare::render_junit(*v, plan.name + " SLOs"));
    if (!v->passed()) rc = code(ExitCode::GateFailed);
  }
  if (!plan.gate) return rc;
  const std::string base = baseline.empty() ? plan.gate->baseline.string() : baseline;
  if (base.empty()) {  // a baseline that does not exist is an error (compare::apply_gate): exit 1
    fmt::print(stderr, "gate: no baseline given, skipped (set gate.baseline or pass --baseline FILE)\n");
    return rc;
  }
  const auto exprs = compare::regression_expressions(plan.gate->max_regression);
  auto v = compare::apply_gate(out.results, base, exprs, plan.gate->alpha);
  if (!v) {
    print_error(v.error());
    if (v.error().code == ErrorCode::NotFound) {  // the usual first run: say how this one becomes the baseline
      const std::string dir = std::filesystem::path(base).parent_path().string();
      fmt::print(stderr, "to gate later runs against this one: {}cp '{}' '{}'\n",
                 dir.empty() ? "" : fmt::format("mkdir -p '{}' && ", dir), (out.run_dir / "results.json").string(),
                 base);
    }
    return code(ExitCode::Failure);
  }
  fmt::print("{}", compare::render_verdict_text(*v, "gate vs " + base));
  (void)write_file_atomic(out.run_dir / "gate-junit.xml", compare::render_junit(*v, plan.name + " gate"));
  return v->passed() ? rc : code(ExitCode::GateFailed);
}

int run_run(const RunOptions& o) {
  auto plan = load(o);
  if (!plan) {
    print_error(plan.error());
    return code(plan.error().code == ErrorCode::InvalidArgument ? ExitCode::Usage : ExitCode::InvalidScenario);
  }
  if (o.dry_run) {
    fmt::print("{}", scenario::render_plan(*plan));
    return code(ExitCode::Ok);
  }
  // From here until every target is torn down, a closed stdout/stderr stops the run like Ctrl-C.
  runner::InterruptGuard guard;
  target::SystemProcessRunner processes;
  const target::Environment env = target::discover_environment(processes);
  pin_harness(*plan, env, o.quiet);

  const bool tty = ::isatty(STDERR_FILENO) != 0 && !o.quiet;
  TerminalProgress progress;
  runner::RealTargetFactory targets(env);
  runner::RealLoadDriver driver(tty ? &progress : nullptr, runner::goodput_slo_of(plan->slo));
  runner::RunnerOptions ro;
  ro.out_dir = o.out_dir.empty() ? plan->output.dir : std::filesystem::path(o.out_dir);
  ro.run_id = o.run_id;
  if (!o.quiet) ro.log = [](const std::string& line) { emit(stderr, line + "\n"); };
  if (!o.quiet)
    emit(stderr, fmt::format("{}: {} cells, {} deployments, about {}\n", plan->name, plan->cells.size(),
                             plan->deployments, scenario::human_duration(plan->estimated_duration)));

  auto out = runner::run_plan(*plan, ro, targets, driver, runner::InterruptGuard::flag());
  if (!out) {
    print_error(out.error());
    return code(ExitCode::Failure);
  }
  write_reports(*plan, *out);
  fmt::print("\n{}", report::render_console_table(out->results));
  fmt::print("results: {}/results.json (also results.csv)\n", out->run_dir.string());
  if (out->interrupted) return code(ExitCode::Interrupted);
  const int gate_rc = apply_slos_and_gate(*plan, *out, o.baseline);
  if (out->failed_cells > 0) {
    fmt::print(stderr, "error: {} of {} cells failed (see the 'error' field in results.json)\n", out->failed_cells,
               out->results.cells.size());
    return code(ExitCode::Failure);
  }
  return gate_rc;
}

}  // namespace

void setup_run(CLI::App& app, int& exit_code) {
  auto* sub = app.add_subcommand("run", "Deploy the scenario's targets, drive load at them, and write results");
  auto o = std::make_shared<RunOptions>();
  sub->add_option("scenario", o->file, "Scenario YAML file (see scenarios/README.md)")->required();
  sub->add_option("--out", o->out_dir,
                  "Directory that receives the run directory <run-id>/ (default: the "
                  "scenario's output.dir, else results/)");
  sub->add_option("--only", o->only,
                  "Run only cells matching axis=value pairs, e.g. target=local,precision=int8 ('a|b' for either: "
                  "quote it, '|' is a pipe to the shell)");
  sub->add_flag("--dry-run", o->dry_run, "Print the plan and its estimated duration; deploy nothing");
  sub->add_option("--run-id", o->run_id, "Name of the run directory (default: UTC time and a random suffix)");
  sub->add_option("--baseline", o->baseline, "results.json (or run directory) for the scenario's gate section");
  sub->add_flag("-q,--quiet", o->quiet, "Print only the final table, verdicts and errors");
  sub->callback([o, &exit_code] { exit_code = run_run(*o); });
}

}  // namespace deploybench::cli
