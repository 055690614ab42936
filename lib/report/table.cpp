#include "report/table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "openai/error_hint.h"
#include "result/cell_key.h"
#include "result/metric_catalog.h"

namespace deploybench::report {
namespace {

std::string ms_of(const result::CellResult& cell, const char* key) {
  const auto v = result::metric_value(cell, key);
  return v ? format_ms(*v) : "-";
}

std::string errors_text(const result::CellResult& cell) {
  const auto& m = cell.metrics;
  if (m.errors == 0) return "0";
  return fmt::format("{} ({:.1f}%)", m.errors, result::error_rate_percent(m));
}

}  // namespace

std::string format_ms(double ms) {
  const double a = std::fabs(ms);
  if (a >= 100) return fmt::format("{:.0f} ms", ms);
  if (a >= 10) return fmt::format("{:.1f} ms", ms);
  return fmt::format("{:.2f} ms", ms);
}

std::string format_rate(double value, const char* unit) {
  const double a = std::fabs(value);
  if (a >= 100) return fmt::format("{:.0f} {}", value, unit);
  if (a >= 10) return fmt::format("{:.1f} {}", value, unit);
  return fmt::format("{:.2f} {}", value, unit);
}

std::string cell_label(const result::CellResult& cell) {
  const std::string id = result::cell_base_id(cell);
  return cell.repetition > 1 ? fmt::format("{} #{}", id, cell.repetition) : id;
}

Table make_summary_table(const result::ResultSet& results) {
  Table t;
  t.headers = {"cell",    "target",  "requests", "errors",       "TTFT p50", "TTFT p95",
               "E2E p50", "E2E p95", "TPOT p50", "output tok/s", "req/s",    "valid"};
  t.numeric = {false, false, true, true, true, true, true, true, true, true, true, false};
  for (const auto& c : results.cells) {
    const std::string target = fmt::format("{} ({})", c.target.name, c.target.kind);
    const auto& m = c.metrics;
    if (!c.error.empty()) {  // the error is told below the table (console) or in the validity notes
      const bool counted = m.requests > 0;
      t.rows.push_back({cell_label(c), target, counted ? std::to_string(m.requests) : "-",
                        counted ? errors_text(c) : "-", "-", "-", "-", "-", "-", "-", "-", "failed"});
      continue;
    }
    t.rows.push_back({cell_label(c), target, std::to_string(m.requests), errors_text(c), ms_of(c, "ttft_p50"),
                      ms_of(c, "ttft_p95"), ms_of(c, "e2e_p50"), ms_of(c, "e2e_p95"), ms_of(c, "tpot_p50"),
                      format_rate(m.output_tokens_per_s, "tok/s"), format_rate(m.requests_per_s, "req/s"),
                      c.validity.valid ? "yes" : "NO"});
  }
  return t;
}

std::vector<std::string> validity_notes(const result::CellResult& cell) {
  std::vector<std::string> out;
  if (!cell.error.empty()) out.push_back("failed: " + cell.error);
  for (const auto& reason : cell.validity.reasons)
    if (reason != cell.error) out.push_back(reason);
  return out;
}

std::vector<std::string> error_notes(const result::CellResult& cell) {
  constexpr std::size_t kMaxBody = 160;
  std::vector<std::pair<std::string, std::uint64_t>> kinds(cell.metrics.errors_by_kind.begin(),
                                                           cell.metrics.errors_by_kind.end());
  std::stable_sort(kinds.begin(), kinds.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> out;
  for (const auto& [kind, count] : kinds) {
    if (count == 0) continue;
    std::string line = fmt::format("{} x {}", count, kind);
    const auto ex = cell.error_examples.find(kind);
    if (ex != cell.error_examples.end() && !ex->second.empty()) {
      std::string body = ex->second;
      std::replace_if(
          body.begin(), body.end(), [](char ch) { return ch == '\n' || ch == '\r' || ch == '\t'; }, ' ');
      if (body.size() > kMaxBody) body = body.substr(0, kMaxBody) + "...";
      line += ": first response: " + body;
      if (const std::string hint = openai::context_length_hint(ex->second); !hint.empty())
        line += " (hint: " + hint + ")";
    }
    out.push_back(std::move(line));
  }
  return out;
}

std::vector<std::string> capacity_notes(const result::ResultSet& results) {
  struct Sweep {
    std::string name, slo, best, missed;
    bool any_met = false;
  };
  std::vector<Sweep> sweeps;
  for (const auto& c : results.cells) {
    if (!c.sweep_slo_met) continue;
    std::string name = result::cell_base_id(c);
    name = name.substr(0, name.rfind('/'));  // drop the step's own label
    if (c.repetition > 1) name += fmt::format(" #{}", c.repetition);
    auto it = std::find_if(sweeps.begin(), sweeps.end(), [&](const Sweep& s) { return s.name == name; });
    if (it == sweeps.end()) {
      it = sweeps.insert(sweeps.end(), Sweep{name, {}, {}, {}});
      if (const auto* slo = result::find_setting(c.settings, "load.sweep_stop")) it->slo = *slo;
    }
    const auto* rate = result::find_setting(c.settings, "load.rate");
    const std::string level = rate ? *rate : c.cell_id;
    if (*c.sweep_slo_met) {
      it->best = level;
      it->any_met = true;
    } else if (it->missed.empty()) {
      it->missed = level;
    }
  }
  std::vector<std::string> out;
  for (const auto& s : sweeps) {
    if (!s.any_met)
      out.push_back(fmt::format("{}: no rate met {} (the first, {}, did not)", s.name, s.slo, s.missed));
    else if (s.missed.empty())
      out.push_back(fmt::format("{}: every rate met {}, up to {}", s.name, s.slo, s.best));
    else
      out.push_back(fmt::format("{}: {} met {}; {} did not", s.name, s.best, s.slo, s.missed));
  }
  return out;
}

}  // namespace deploybench::report
