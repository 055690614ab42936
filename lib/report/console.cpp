// Console table: aligned columns, numbers right-aligned, invalid cells explained below.
#include <fmt/format.h>

#include <algorithm>

#include "report/report.h"
#include "report/table.h"

namespace deploybench::report {

std::string render_console_table(const result::ResultSet& results) {
  const Table t = make_summary_table(results);
  std::vector<std::size_t> width(t.headers.size());
  for (std::size_t i = 0; i < t.headers.size(); ++i) {
    width[i] = t.headers[i].size();
    for (const auto& row : t.rows) width[i] = std::max(width[i], row[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i) out += "  ";
      out += t.numeric[i] ? fmt::format("{:>{}}", cells[i], width[i]) : fmt::format("{:<{}}", cells[i], width[i]);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(t.headers);
  for (const auto& row : t.rows) out += line(row);
  for (const auto& c : results.cells)
    for (const auto& note : validity_notes(c)) out += fmt::format("warning: {}: {}\n", cell_label(c), note);
  for (const auto& c : results.cells)
    for (const auto& note : error_notes(c)) out += fmt::format("errors: {}: {}\n", cell_label(c), note);
  for (const auto& note : capacity_notes(results)) out += fmt::format("capacity: {}\n", note);
  return out;
}

}  // namespace deploybench::report
