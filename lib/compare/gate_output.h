#pragma once
// Text forms of comparisons and gate verdicts. Pure: strings in, strings out.
#include <string>

#include "compare/comparison.h"
#include "compare/gate.h"

namespace deploybench::compare {

/// Aligned terminal table: cell, metric, baseline, contender, change, 95% CI, p, verdict; then warnings.
std::string render_comparison_text(const Comparison& comparison);
/// The same as a Markdown table (for PR comments and step summaries).
std::string render_comparison_markdown(const Comparison& comparison);

/// One screen: "GATE PASSED"/"GATE FAILED (n of m checks)", the failed checks first, then a
/// count of passed ones, then warnings.
std::string render_verdict_text(const GateVerdict& verdict, const std::string& title);
/// JUnit XML: one <testsuite name=title>, one <testcase> per check (classname = cell,
/// name = threshold), failed checks carry <failure message=detail>.
std::string render_junit(const GateVerdict& verdict, const std::string& title);
/// Markdown for $GITHUB_STEP_SUMMARY: a headline with the outcome and a table of checks.
std::string render_step_summary(const GateVerdict& verdict, const std::string& title);

}  // namespace deploybench::compare
