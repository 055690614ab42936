// deploybench gate --baseline FILE --contender FILE [--policy FILE] [--threshold EXPR]... [--junit FILE]
// Exit codes: 0 passed, 4 failed (ExitCode::GateFailed), 1 harness error (unreadable or malformed
// results or policy), 2 usage (bad flag or threshold expression).
#include <fmt/core.h>

#include <cstdlib>
#include <fstream>

#include "commands.h"
#include "compare/gate.h"
#include "compare/gate_output.h"
#include "core/fs.h"
#include "exit_codes.h"
#include "result/result_json.h"

namespace deploybench::cli {
namespace {

struct GateOptions {
  std::string baseline, contender, policy, junit;
  std::vector<std::string> thresholds;
  std::string step_summary;  // defaults to $GITHUB_STEP_SUMMARY
};

void print_error(const Error& e) {
  fmt::print(stderr, "deploybench gate: {}\n", e.message);
  if (!e.hint.empty()) fmt::print(stderr, "  hint: {}\n", e.hint);
}

// Appends (GitHub's step summary file collects every step's output).
Status append_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::app);
  if (!(out << text)) return make_error(ErrorCode::Io, fmt::format("cannot append to {}", path));
  return Ok{};
}

/// The policy file's thresholds (an error only for the file), then the already parsed flags';
/// the default policy without either.
Result<compare::GatePolicy> build_policy(const GateOptions& o, const std::vector<compare::Threshold>& flags) {
  compare::GatePolicy policy;
  if (!o.policy.empty()) {
    auto loaded = compare::load_gate_policy(o.policy);
    if (!loaded) return std::move(loaded).error();
    policy = std::move(*loaded);
  }
  policy.thresholds.insert(policy.thresholds.end(), flags.begin(), flags.end());
  if (policy.thresholds.empty()) policy = compare::default_gate_policy();
  return policy;
}

int run_gate(const GateOptions& o) {
  // A bad --threshold is a usage error (2) even beside --policy, whose own errors are harness errors (1).
  auto flags = compare::parse_thresholds(o.thresholds);
  if (!flags) return print_error(flags.error()), code(ExitCode::Usage);
  auto policy = build_policy(o, *flags);
  if (!policy) return print_error(policy.error()), code(ExitCode::Failure);
  auto baseline = result::load_results(o.baseline);
  if (!baseline) return print_error(baseline.error()), code(ExitCode::Failure);
  auto contender = result::load_results(o.contender);
  if (!contender) return print_error(contender.error()), code(ExitCode::Failure);
  const auto verdict = compare::evaluate_gate(*baseline, *contender, *policy);
  const std::string title = fmt::format("deploybench gate {} vs {}", o.contender, o.baseline);
  fmt::print("{}", compare::render_verdict_text(verdict, title));
  if (!o.junit.empty())
    if (auto s = write_file_atomic(o.junit, compare::render_junit(verdict, title)); !s)
      return print_error(s.error()), code(ExitCode::Failure);
  const char* env = std::getenv("GITHUB_STEP_SUMMARY");
  const std::string summary = !o.step_summary.empty() ? o.step_summary : (env ? env : "");
  if (!summary.empty())
    if (auto s = append_file(summary, compare::render_step_summary(verdict, title)); !s)
      return print_error(s.error()), code(ExitCode::Failure);
  return code(verdict.passed() ? ExitCode::Ok : ExitCode::GateFailed);
}

}  // namespace

void setup_gate(CLI::App& app, int& exit_code) {
  auto* sub = app.add_subcommand(
      "gate", "Fail (exit 4) when the contender violates a threshold or significantly regresses against the baseline");
  auto o = std::make_shared<GateOptions>();
  sub->add_option("--baseline", o->baseline, "Baseline results.json or run directory")->required();
  sub->add_option("--contender", o->contender, "Contender results.json or run directory")->required();
  sub->add_option("--policy", o->policy, "Gate policy YAML: 'thresholds:' list and optional 'alpha:'");
  sub->add_option("-t,--threshold", o->thresholds,
                  "Threshold (repeatable): 'p95(e2e) < 300ms', 'error_rate < 1%', "
                  "'p95(ttft) regresses by more than 10%'. Without --policy or --threshold: ttft p95, e2e p95 "
                  "and output tok/s may not regress by more than 10%, error rate < 1%");
  sub->add_option("--junit", o->junit, "Also write the verdict as JUnit XML to FILE");
  sub->add_option("--step-summary", o->step_summary,
                  "Append a Markdown summary to FILE (default: $GITHUB_STEP_SUMMARY)");
  sub->footer("Exit codes: 0 gate passed, 4 gate failed, 1 unreadable or malformed results or policy, 2 usage error.");
  sub->callback([o, &exit_code] { exit_code = run_gate(*o); });
}

}  // namespace deploybench::cli
