#include "scenario/render.h"

#include <fmt/format.h>

#include "scenario/detail/expand.h"

namespace deploybench::scenario {
namespace {

using Settings = std::vector<std::pair<std::string, std::string>>;

bool deployment_setting(const std::string& key) { return key.rfind("target.", 0) == 0 || key.rfind("model.", 0) == 0; }

// key=value pairs, wrapped at ~100 columns, each line indented.
void append_settings(std::string& out, const Settings& settings, bool deployment_part, std::string_view indent) {
  std::string line(indent);
  for (const auto& [key, value] : settings) {
    if (deployment_setting(key) != deployment_part || key == "repetition") continue;
    const std::string item = fmt::format("{}={}", key, value);
    if (line.size() > indent.size() && line.size() + item.size() + 2 > 100) {
      out += line + "\n";
      line = std::string(indent);
    }
    if (line.size() > indent.size()) line += "  ";
    line += item;
  }
  if (line.size() > indent.size()) out += line + "\n";
}

void append_header(std::string& out, const RunPlan& plan) {
  Nanos deploy{0}, warmup{0}, measured{0};
  for (std::size_t i = 0; i < plan.cells.size(); ++i) {
    const Cell& c = plan.cells[i];
    if (i == 0 || plan.cells[i - 1].deployment_key != c.deployment_key)
      deploy += detail::deploy_estimate(c.target.kind);
    warmup += c.load.warmup;
    measured += c.load.duration;
  }
  out += fmt::format("scenario {} ({}, sha256 {})\n", plan.name, plan.file.string(), plan.sha256.substr(0, 12));
  if (!plan.description.empty()) out += fmt::format("  {}\n", plan.description);
  out += fmt::format("plan: {} cell{} in {} deployment{}; repeat {}, order {}, seed {}\n", plan.cells.size(),
                     plan.cells.size() == 1 ? "" : "s", plan.deployments, plan.deployments == 1 ? "" : "s", plan.repeat,
                     order_name(plan.order), plan.seed);
  out += fmt::format("estimated duration: {} (deploys {}, warmups {}, measured {})\n",
                     human_duration(plan.estimated_duration), human_duration(deploy), human_duration(warmup),
                     human_duration(measured));
  if (!plan.slo.empty()) out += fmt::format("slo: {}\n", fmt::join(plan.slo, "; "));
  if (plan.gate) {
    std::vector<std::string> limits;
    for (const auto& [metric, frac] : plan.gate->max_regression)
      limits.push_back(fmt::format("{} {:g}%", metric, frac * 100));
    out += fmt::format("gate: baseline {}; max regression {}; alpha {:g}\n",
                       plan.gate->baseline.empty() ? "(from the command line)" : plan.gate->baseline.string(),
                       fmt::join(limits, ", "), plan.gate->alpha);
  }
  out += fmt::format("output: {} ({})\n", plan.output.dir.string(), fmt::join(plan.output.formats, ", "));
}

}  // namespace

std::string format_diagnostic(const Diagnostic& d, std::string_view severity) {
  std::string out;
  if (!d.file.empty()) out += d.file + ":";
  if (d.line > 0) out += fmt::format("{}:{}:", d.line, d.column);
  if (!out.empty()) out += " ";
  if (!severity.empty()) out += fmt::format("{}: ", severity);
  if (!d.path.empty()) out += d.path + ": ";
  out += d.message;
  if (!d.hint.empty()) out += fmt::format(" ({})", d.hint);
  return out;
}

std::string human_duration(Nanos d) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(d + std::chrono::milliseconds(500)).count();
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m {:02}s", s / 60, s % 60);
  return fmt::format("{}h {:02}m", s / 3600, (s % 3600) / 60);
}

std::string render_plan(const RunPlan& plan) {
  std::string out;
  append_header(out, plan);
  int deployment = 0;
  for (std::size_t i = 0; i < plan.cells.size(); ++i) {
    const Cell& c = plan.cells[i];
    if (i == 0 || plan.cells[i - 1].deployment_key != c.deployment_key) {
      out += fmt::format("\ndeployment {}/{}: target {} ({}), model {}, repetition {}\n", ++deployment,
                         plan.deployments, c.axes.at("target"), c.axes.at("kind"), c.axes.at("model"), c.repetition);
      append_settings(out, c.settings, true, "    ");
    }
    out += fmt::format("  cell {:>3}  {}\n", i + 1, c.id);
    append_settings(out, c.settings, false, "      ");
  }
  return out;
}

}  // namespace deploybench::scenario
