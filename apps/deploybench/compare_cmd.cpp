// deploybench compare BASELINE CONTENDER [--metric KEY]... [--format text|md] [--baseline-target T --contender-target
// T]
#include <fmt/core.h>

#include <cstdlib>
#include <optional>

#include "commands.h"
#include "compare/comparison.h"
#include "compare/conditions.h"
#include "compare/gate_output.h"
#include "exit_codes.h"
#include "result/metric_catalog.h"
#include "result/result_json.h"

namespace deploybench::cli {
namespace {

struct CompareCmdOptions {
  std::string baseline, contender;  // results.json files or run directories (may be the same)
  std::vector<std::string> metrics;
  std::string format = "text";
  std::string baseline_target, contender_target;
  std::vector<std::string> ignore_axes;
  double alpha = 0.05;
  bool include_invalid = false;
  std::string equivalence;  // e.g. "3%"
};

// "3%" or "3" -> 0.03; nullopt when malformed or outside (0, 100).
std::optional<double> parse_margin(std::string text) {
  if (!text.empty() && text.back() == '%') text.pop_back();
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !(v > 0 && v < 100)) return std::nullopt;
  return v / 100;
}

int run_compare(const CompareCmdOptions& o) {
  for (const auto& m : o.metrics)
    if (!result::metric_info(m)) {
      fmt::print(stderr, "deploybench compare: unknown metric '{}' (e.g. ttft_p95, e2e_p50, output_tokens_per_s)\n", m);
      return code(ExitCode::Usage);
    }
  auto baseline = result::load_results(o.baseline);
  auto contender = baseline ? result::load_results(o.contender) : baseline;
  for (const auto* r : {&baseline, &contender})
    if (!*r) {
      fmt::print(stderr, "deploybench compare: {}\n", r->error().message);
      if (!r->error().hint.empty()) fmt::print(stderr, "  hint: {}\n", r->error().hint);
      return code(ExitCode::Failure);
    }
  compare::CompareOptions options;
  options.metrics = o.metrics;
  options.alpha = o.alpha;
  options.baseline_target = o.baseline_target;
  options.contender_target = o.contender_target;
  options.ignore_axes.insert(o.ignore_axes.begin(), o.ignore_axes.end());
  options.include_invalid = o.include_invalid;
  if (!o.equivalence.empty()) {
    options.equivalence_margin = parse_margin(o.equivalence);
    if (!options.equivalence_margin) {
      fmt::print(stderr, "deploybench compare: --equivalence '{}': expected a margin such as 3% (between 0 and 100%)\n",
                 o.equivalence);
      return code(ExitCode::Usage);
    }
  }
  const auto cmp = compare::compare(*baseline, *contender, options);
  if (cmp.rows.empty()) {
    fmt::print(stderr, "deploybench compare: no cell of {} matches a cell of {}\n", o.contender, o.baseline);
    return code(ExitCode::Failure);
  }
  fmt::print("{}", o.format == "md" ? compare::render_comparison_markdown(cmp) : compare::render_comparison_text(cmp));
  // Two targets of the runs set against each other differ by design; their machine and build still count.
  const bool same_targets = o.baseline_target.empty() && o.contender_target.empty();
  fmt::print("{}", compare::render_condition_differences(
                       compare::condition_differences(*baseline, *contender, same_targets), o.format == "md"));
  return code(ExitCode::Ok);
}

}  // namespace

void setup_compare(CLI::App& app, int& exit_code) {
  auto* sub = app.add_subcommand(
      "compare", "Compare two runs cell by cell: relative change, bootstrap 95% CI, Mann-Whitney U p-value, verdict");
  auto o = std::make_shared<CompareCmdOptions>();
  sub->add_option("baseline", o->baseline, "Baseline results.json or run directory")->required();
  sub->add_option("contender", o->contender, "Contender results.json or run directory")->required();
  sub->add_option("-m,--metric", o->metrics, "Metric to compare (repeatable), e.g. ttft_p95; default: a standard set");
  sub->add_option("-f,--format", o->format, "text (default) or md")->check(CLI::IsMember({"text", "md"}));
  sub->add_option("--baseline-target", o->baseline_target, "Only the baseline's cells of this target");
  sub->add_option("--contender-target", o->contender_target,
                  "Only the contender's cells of this target (with --baseline-target: compare two targets, "
                  "possibly of the same run)");
  sub->add_option("--ignore-axis", o->ignore_axes, "Axis left out when matching cells (repeatable)");
  sub->add_flag("--include-invalid", o->include_invalid,
                "Compare invalid repetitions too (by default they are left out, with a warning: their numbers do not "
                "describe the target)");
  sub->add_option("--equivalence", o->equivalence,
                  "Margin, e.g. 3%: a metric whose 95% CI of the relative change lies inside +-3% is 'equivalent' "
                  "(two one-sided tests), which 'no significant change' does not show");
  sub->add_option("--alpha", o->alpha, "Significance level of the U test")->check(CLI::Range(0.0001, 0.5));
  sub->callback([o, &exit_code] { exit_code = run_compare(*o); });
}

}  // namespace deploybench::cli
