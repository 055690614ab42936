#include "compare/gate_output.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/markup.h"

namespace deploybench::compare {
namespace {

std::string headline(const GateVerdict& v) {
  return v.passed() ? fmt::format("GATE PASSED ({} checks)", v.checks.size())
                    : fmt::format("GATE FAILED ({} of {} checks failed)", v.failures(), v.checks.size());
}

}  // namespace

std::string render_verdict_text(const GateVerdict& v, const std::string& title) {
  std::string out = fmt::format("{}: {}\n", title, headline(v));
  for (const auto& c : v.checks)
    if (c.outcome == CheckOutcome::Fail)
      out += fmt::format("  FAIL  {}  [{}]\n        {}\n", c.threshold, c.cell, c.detail);
  // Passing regression checks that exceeded the limit without significance deserve a line too.
  for (const auto& c : v.checks)
    if (c.outcome == CheckOutcome::Pass && c.detail.rfind("exceeds", 0) == 0)
      out += fmt::format("  note  {}  [{}]\n        {}\n", c.threshold, c.cell, c.detail);
  const auto passed = v.checks.size() - v.failures();
  out += fmt::format("  {} check{} passed\n", passed, passed == 1 ? "" : "s");
  for (const auto& w : v.warnings) out += fmt::format("  warning: {}\n", w);
  return out + render_condition_differences(v.conditions);
}

std::string render_junit(const GateVerdict& v, const std::string& title) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<testsuites name=\"deploybench\" tests=\"{0}\" failures=\"{1}\">\n"
      "  <testsuite name=\"{2}\" tests=\"{0}\" failures=\"{1}\" errors=\"0\" skipped=\"0\">\n",
      v.checks.size(), v.failures(), escape_xml(title));
  for (const auto& c : v.checks) {
    out += fmt::format("    <testcase classname=\"{}\" name=\"{}\"", escape_xml(c.cell), escape_xml(c.threshold));
    if (c.outcome == CheckOutcome::Fail)
      out += fmt::format(">\n      <failure message=\"{0}\" type=\"GateFailure\">{0}</failure>\n    </testcase>\n",
                         escape_xml(c.detail));
    else
      out += fmt::format(">\n      <system-out>{}</system-out>\n    </testcase>\n", escape_xml(c.detail));
  }
  if (!v.warnings.empty()) {
    out += "    <system-err>";
    for (const auto& w : v.warnings) out += escape_xml(w) + "\n";
    out += "</system-err>\n";
  }
  return out + "  </testsuite>\n</testsuites>\n";
}

std::string render_step_summary(const GateVerdict& v, const std::string& title) {
  std::string out = fmt::format("### {} {}: {}\n\n", v.passed() ? "✅" : "❌", escape_markdown_cell(title), headline(v));
  out += "| result | threshold | cell | detail |\n|---|---|---|---|\n";
  auto rows = v.checks;
  std::stable_sort(rows.begin(), rows.end(), [](const GateCheck& a, const GateCheck& b) {
    return a.outcome == CheckOutcome::Fail && b.outcome != CheckOutcome::Fail;
  });
  for (const auto& c : rows)
    out += fmt::format("| {} | `{}` | {} | {} |\n", c.outcome == CheckOutcome::Fail ? "FAIL" : "pass",
                       escape_markdown_cell(c.threshold), escape_markdown_cell(c.cell), escape_markdown_cell(c.detail));
  if (!v.warnings.empty()) {
    out += "\n";
    for (const auto& w : v.warnings) out += fmt::format("- ⚠️ {}\n", escape_markdown_cell(w));
  }
  return out;
}

}  // namespace deploybench::compare
