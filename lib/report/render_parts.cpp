#include "report/render_parts.h"

#include <fmt/format.h>

#include <set>

#include "core/units.h"

namespace deploybench::report {

std::string manifest_line(const result::Manifest& m) {
  return fmt::format(
      "{} · deploybench {} (git {}) · host {}: {}, {} cores, {} · {}, kernel {} · scenario {} (sha256 {}) · seed {} · "
      "{} to {}",
      m.status, m.tool_version, m.git_revision.empty() ? "unknown" : m.git_revision, m.host_name, m.cpu_model, m.cores,
      format_bytes(m.memory_bytes), m.os, m.kernel, m.scenario_file, m.scenario_sha256, m.seed, m.started_at,
      m.finished_at.empty() ? "(running)" : m.finished_at);
}

Table overhead_table(const std::vector<OverheadRow>& rows) {
  Table t;
  t.headers = {"deployment", "metric", "total", "network", "queue", "prefill", "decode", "rest"};
  t.numeric = {false, false, true, true, true, true, true, true};
  for (const auto& r : rows) {
    std::vector<std::string> line = {r.deployment, metric_title(r.metric), format_ms(r.total_ms)};
    for (const char* name : {"network", "queue", "prefill", "decode"}) {
      std::string text = "-";
      for (const auto& c : r.components)
        if (c.name == name) text = c.ms ? format_ms(*c.ms) : "n/m";
      line.push_back(text);
    }
    line.push_back(format_ms(r.rest_ms));
    t.rows.push_back(std::move(line));
  }
  return t;
}

Table lifecycle_table(const result::ResultSet& results) {
  Table t;
  t.headers = {"target", "build", "deploy to ready", "cold TTFT", "warm TTFT", "idle RSS"};
  t.numeric = {false, true, true, true, true, true};
  std::set<std::string> seen;
  for (const auto& c : results.cells) {
    if (!seen.insert(c.target.name).second) continue;
    const auto& l = c.lifecycle;
    auto opt_ms = [](const std::optional<double>& v) { return v ? format_ms(*v) : std::string("-"); };
    t.rows.push_back({fmt::format("{} ({})", c.target.name, c.target.kind), fmt::format("{:.2f} s", l.build_s),
                      fmt::format("{:.2f} s", l.deploy_to_ready_s), opt_ms(l.cold_ttft_ms), opt_ms(l.warm_ttft_ms),
                      l.idle_rss_bytes ? format_bytes(l.idle_rss_bytes) : "-"});
  }
  return t;
}

}  // namespace deploybench::report
