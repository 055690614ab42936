#include "compare/conditions.h"

#include <fmt/core.h>

#include <array>
#include <map>
#include <string_view>

namespace deploybench::compare {
namespace {

// Target details that say what was deployed and how. The others (port, command line, container
// name, network with its port) change with every deployment of the same thing.
constexpr std::array<std::string_view, 18> kIdentityDetails = {
    "served_model",  "model",          "binary_sha256", "image_id",  "runtime", "runtime_version", "limits",
    "cpuset",        "accel",          "cpu",           "vcpus",     "memory",  "kernel_version",  "qemu_version",
    "network_delay", "network_jitter", "base_url",      "tls_verify"};

// Hashes are told by their first 12 digits, as git does.
std::string shown(const std::string& what, const std::string& value) {
  const bool hash = what.ends_with("sha256") || what.ends_with("scenario hash");
  return hash && value.size() > 12 ? value.substr(0, 12) : value;
}

void add_if_different(std::vector<ConditionDifference>& out, std::string what, const std::string& a,
                      const std::string& b) {
  if (a != b) out.push_back({std::move(what), a, b});
}

// One identity per target name: the first cell that ran it (every cell of a deployment shares it).
std::map<std::string, const result::TargetIdentity*> targets_of(const result::ResultSet& run) {
  std::map<std::string, const result::TargetIdentity*> out;
  for (const auto& c : run.cells)
    if (c.error.empty() && !c.target.name.empty()) out.emplace(c.target.name, &c.target);
  return out;
}

}  // namespace

std::vector<ConditionDifference> condition_differences(const result::ResultSet& baseline,
                                                       const result::ResultSet& contender, bool targets_too) {
  const auto& a = baseline.manifest;
  const auto& b = contender.manifest;
  std::vector<ConditionDifference> out;
  add_if_different(out, "host", a.host_name, b.host_name);
  add_if_different(out, "CPU", a.cpu_model, b.cpu_model);
  add_if_different(out, "cores", std::to_string(a.cores), std::to_string(b.cores));
  add_if_different(out, "memory", fmt::format("{:.1f} GiB", a.memory_bytes / 1073741824.0),
                   fmt::format("{:.1f} GiB", b.memory_bytes / 1073741824.0));
  add_if_different(out, "kernel", a.kernel, b.kernel);
  add_if_different(out, "OS", a.os, b.os);
  add_if_different(out, "deploybench", a.tool_version + " " + a.git_revision, b.tool_version + " " + b.git_revision);
  add_if_different(out, "scenario", a.scenario_name, b.scenario_name);
  add_if_different(out, "scenario hash", a.scenario_sha256, b.scenario_sha256);
  add_if_different(out, "seed", std::to_string(a.seed), std::to_string(b.seed));
  if (!targets_too) return out;
  const auto theirs = targets_of(contender);
  for (const auto& [name, mine] : targets_of(baseline)) {
    const auto it = theirs.find(name);
    if (it == theirs.end()) continue;
    for (const auto key : kIdentityDetails) {
      const auto x = mine->details.find(std::string(key));
      const auto y = it->second->details.find(std::string(key));
      const std::string none = "(not reported)";
      add_if_different(out, fmt::format("target {}: {}", name, key), x == mine->details.end() ? none : x->second,
                       y == it->second->details.end() ? none : y->second);
    }
  }
  return out;
}

std::string render_condition_differences(const std::vector<ConditionDifference>& differences, bool markdown) {
  if (differences.empty()) return "";
  std::string out = fmt::format(
      "{}note: the two runs also differ in these conditions, and any change above may come from "
      "them:\n{}",
      markdown ? "\n" : "", markdown ? "\n" : "");
  for (const auto& d : differences)
    out += fmt::format("{}{}: {} -> {}\n", markdown ? "- " : "  ", d.what, shown(d.what, d.baseline),
                       shown(d.what, d.contender));
  return out;
}

}  // namespace deploybench::compare
