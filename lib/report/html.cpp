// report.html: one self-contained file (inline CSS and SVG, no scripts, no network requests).
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "report/chart_data.h"
#include "report/render_parts.h"
#include "report/svg.h"
#include "result/metric_catalog.h"

namespace deploybench::report {
namespace {

constexpr const char* kStyle =
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:1100px}"
    "table{border-collapse:collapse;margin:1em 0;font-size:13px}"
    "th,td{border:1px solid #ccc;padding:4px 8px}th{background:#f3f3f3}td.num{text-align:right}"
    ".charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:1em}"
    "svg.chart{width:100%;height:auto;border:1px solid #eee}svg.wide{grid-column:1/-1}"
    ".warn{color:#a40000}.meta{color:#555}";

std::string html_table(const Table& t) {
  std::string out = "<table>\n<tr>";
  for (const auto& h : t.headers) out += "<th>" + svg::escape_xml(h) + "</th>";
  out += "</tr>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i)
      out += fmt::format("<td{}>{}</td>", t.numeric[i] ? " class=\"num\"" : "", svg::escape_xml(row[i]));
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

std::string percentile_chart(const result::ResultSet& results, const std::string& summary, const std::string& title) {
  const std::vector<std::string> aggs = {"p50", "p90", "p95", "p99"};
  const auto cells = measured_cells(results);
  const CellLabels names = chart_cell_labels(cells);
  std::vector<svg::BarGroup> groups;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    svg::BarGroup g{names.labels[i], {}};
    for (const auto& a : aggs) g.values.push_back(result::metric_value(*cells[i], summary + "_" + a).value_or(0));
    groups.push_back(std::move(g));
  }
  return svg::bar_chart(title, "milliseconds", aggs, groups, names.note);
}

std::string throughput_latency_chart(const result::ResultSet& results) {
  const ThroughputLatency chart = throughput_latency_series(measured_cells(results));
  return svg::line_chart("Throughput vs E2E p95 by load level", "output tokens/s", "E2E p95 (ms)", chart.series,
                         chart.note);
}

std::string resource_charts(const result::ResultSet& results) {
  const auto cells = measured_cells(results);
  const CellLabels names = chart_cell_labels(cells);
  std::vector<svg::Series> cpu, rss;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const auto* c = cells[i];
    if (c->resources.empty()) continue;
    svg::Series sc{names.labels[i], {}, {}}, sr{names.labels[i], {}, {}};
    for (const auto& p : c->resources) {
      sc.points.emplace_back(p.t_s, p.cpu_cores);
      sr.points.emplace_back(p.t_s, static_cast<double>(p.rss_bytes) / (1024.0 * 1024.0));
    }
    cpu.push_back(std::move(sc));
    rss.push_back(std::move(sr));
  }
  if (cpu.empty()) return {};
  return svg::line_chart("Target CPU over time", "seconds into the cell", "CPU (cores)", cpu, names.note) +
         svg::line_chart("Target memory over time", "seconds into the cell", "RSS (MiB)", rss, names.note);
}

std::string overhead_section(const result::ResultSet& results) {
  const auto rows = attribute_overhead(results);
  if (rows.empty()) return {};
  const std::vector<std::string> segments = {"network", "queue", "prefill", "decode", "rest"};
  std::vector<svg::BarGroup> bars;
  for (const auto& r : rows) {
    if (!is_additive(r)) continue;  // stacked parts of a percentile need not add up to it
    svg::BarGroup b{r.deployment + " " + metric_title(r.metric), {}};
    for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
      double v = 0;
      for (const auto& c : r.components)
        if (c.name == segments[i] && c.ms) v = *c.ms;
      b.values.push_back(v);
    }
    b.values.push_back(r.rest_ms);
    bars.push_back(std::move(b));
  }
  std::string out = "<h2>Overhead against the local process</h2>\n" + html_table(overhead_table(rows)) + "<p>" +
                    svg::escape_xml(kAdditivityNote) + "</p>\n<ul>\n";
  for (const auto& r : rows)
    if (is_additive(r)) out += "<li>" + svg::escape_xml(overhead_sentence(r)) + "</li>\n";
  return out + "</ul>\n<div class=\"charts\">\n" +
         svg::stacked_bar_chart("Overhead breakdown (means)", "milliseconds versus local", segments, bars) + "</div>\n";
}

}  // namespace

std::string render_html(const result::ResultSet& results) {
  const auto& m = results.manifest;
  const std::string title = fmt::format("deploybench: {} (run {})", m.scenario_name, m.run_id);
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{0}</title>\n"
      "<style>{1}</style>\n</head>\n<body>\n<h1>{0}</h1>\n<p class=\"meta\">{2}</p>\n",
      svg::escape_xml(title), kStyle, svg::escape_xml(manifest_line(m)));
  out += "<h2>Summary</h2>\n" + html_table(make_summary_table(results));
  std::string notes;
  for (const auto& c : results.cells)
    for (const auto& note : validity_notes(c))
      notes += "<li>" + svg::escape_xml(cell_label(c) + ": " + note) + "</li>\n";
  if (!notes.empty()) out += "<h2 class=\"warn\">Validity warnings</h2>\n<ul class=\"warn\">\n" + notes + "</ul>\n";
  std::string errors;
  for (const auto& c : results.cells)
    for (const auto& note : error_notes(c)) errors += "<li>" + svg::escape_xml(cell_label(c) + ": " + note) + "</li>\n";
  if (!errors.empty()) out += "<h2 class=\"warn\">Errors</h2>\n<ul class=\"warn\">\n" + errors + "</ul>\n";
  std::string capacity;
  for (const auto& note : capacity_notes(results)) capacity += "<li>" + svg::escape_xml(note) + "</li>\n";
  if (!capacity.empty())
    out += "<h2>Capacity (highest sweep rate meeting its stop SLO)</h2>\n<ul>\n" + capacity + "</ul>\n";
  out += "<h2>Latency and throughput</h2>\n<div class=\"charts\">\n";
  out += percentile_chart(results, "ttft", "TTFT percentiles per cell");
  out += percentile_chart(results, "e2e", "E2E latency percentiles per cell");
  out += throughput_latency_chart(results);
  out += "</div>\n";
  if (const auto res = resource_charts(results); !res.empty())
    out += "<h2>Resource use</h2>\n<div class=\"charts\">\n" + res + "</div>\n";
  out += overhead_section(results);
  const Table life = lifecycle_table(results);
  if (!life.rows.empty()) out += "<h2>Lifecycle</h2>\n" + html_table(life);
  return out + "</body>\n</html>\n";
}

}  // namespace deploybench::report
