// report.md: headline, summary table, validity notes, overhead breakdown and lifecycle, sized
// for a pull-request comment.
#include <fmt/format.h>

#include "core/markup.h"
#include "report/overhead.h"
#include "report/render_parts.h"
#include "report/table.h"

namespace deploybench::report {
namespace {

std::string md_table(const std::vector<std::string>& headers, const std::vector<bool>& numeric,
                     const std::vector<std::vector<std::string>>& rows) {
  std::string out = "|";
  for (const auto& h : headers) out += fmt::format(" {} |", escape_markdown_cell(h));
  out += "\n|";
  for (std::size_t i = 0; i < headers.size(); ++i) out += numeric[i] ? "---:|" : "---|";
  out += "\n";
  for (const auto& row : rows) {
    out += "|";
    for (const auto& cell : row) out += fmt::format(" {} |", escape_markdown_cell(cell));
    out += "\n";
  }
  return out;
}

std::string overhead_section(const result::ResultSet& results) {
  const auto rows = attribute_overhead(results);
  if (rows.empty()) return {};
  const Table t = overhead_table(rows);
  std::string out = fmt::format("\n### Overhead against the local process\n\n{}\n{}\n\n",
                                md_table(t.headers, t.numeric, t.rows), kAdditivityNote);
  for (const auto& row : rows)
    if (is_additive(row)) out += fmt::format("- {}\n", overhead_sentence(row));
  return out;
}

}  // namespace

std::string render_markdown(const result::ResultSet& results) {
  const auto& m = results.manifest;
  std::string out = fmt::format("## deploybench: {} (run {})\n\n", m.scenario_name, m.run_id);
  out += fmt::format("{}\n\n", manifest_line(m));
  const Table summary = make_summary_table(results);
  out += md_table(summary.headers, summary.numeric, summary.rows);
  std::string notes;
  for (const auto& c : results.cells)
    for (const auto& note : validity_notes(c)) notes += fmt::format("- `{}`: {}\n", cell_label(c), note);
  if (!notes.empty()) out += fmt::format("\n### Validity warnings\n\n{}", notes);
  std::string errors;
  for (const auto& c : results.cells)
    for (const auto& note : error_notes(c)) errors += fmt::format("- `{}`: {}\n", cell_label(c), note);
  if (!errors.empty()) out += fmt::format("\n### Errors\n\n{}", errors);
  std::string capacity;
  for (const auto& note : capacity_notes(results)) capacity += fmt::format("- {}\n", note);
  if (!capacity.empty()) out += fmt::format("\n### Capacity (highest sweep rate meeting its stop SLO)\n\n{}", capacity);
  out += overhead_section(results);
  const Table life = lifecycle_table(results);
  if (!life.rows.empty()) out += fmt::format("\n### Lifecycle\n\n{}", md_table(life.headers, life.numeric, life.rows));
  return out;
}

}  // namespace deploybench::report
