#include "target/cpuset.h"

#include <fmt/core.h>
#include <sched.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "core/fs.h"
#include "core/text.h"

namespace deploybench::target {
namespace {

std::optional<int> parse_int(std::string_view s) {
  int v = 0;
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc{} || p != end || v < 0) return std::nullopt;
  return v;
}

std::string requested_cpuset(const KindConfig& kind) {
  if (const auto* l = std::get_if<LocalConfig>(&kind)) return l->limits.cpuset;
  if (const auto* c = std::get_if<ContainerConfig>(&kind)) return c->limits.cpuset;
  if (const auto* v = std::get_if<VmConfig>(&kind)) return v->cpuset;
  return {};
}

}  // namespace

Result<std::vector<int>> parse_cpuset(std::string_view text) {
  std::set<int> cpus;
  for (const auto& part : split(text, ',')) {
    const auto dash = part.find('-');
    const auto lo = parse_int(std::string_view(part).substr(0, dash));
    const auto hi = dash == std::string::npos ? lo : parse_int(std::string_view(part).substr(dash + 1));
    std::string problem;
    if (!lo || !hi) {
      problem = fmt::format("'{}' is not a CPU number or range", part);
    } else if (*hi < *lo) {
      problem = fmt::format("the range '{}' ends before it starts", part);
    } else if (*hi >= CPU_SETSIZE) {
      problem = fmt::format("CPU {} is beyond the largest this build supports ({})", *hi, CPU_SETSIZE - 1);
    }
    if (!problem.empty()) {
      return make_error(ErrorCode::InvalidArgument, fmt::format("invalid cpuset '{}': {}", text, problem),
                        "write CPU numbers and ascending ranges, e.g. \"1\" or \"0-1,3\"");
    }
    for (int c = *lo; c <= *hi; ++c) cpus.insert(c);
  }
  return std::vector<int>(cpus.begin(), cpus.end());
}

std::string format_cpuset(const std::vector<int>& cpus) {
  std::string out;
  for (std::size_t i = 0; i < cpus.size();) {
    std::size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(cpus[i]);
    if (j > i) {
      out += '-';
      out += std::to_string(cpus[j]);
    }
    i = j + 1;
  }
  return out;
}

std::vector<int> available_cpus() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof mask, &mask) != 0) return cpus;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &mask)) cpus.push_back(c);
  }
  return cpus;
}

std::vector<int> online_cpus() {
  if (auto text = read_file("/sys/devices/system/cpu/online", 4096)) {
    if (auto cpus = parse_cpuset(text->substr(0, text->find('\n')))) return *cpus;
  }
  return available_cpus();
}

Result<Placement> plan_placement(const ResourceLimits& limits, const std::vector<int>& cpus) {
  Placement p;
  if (!limits.cpuset.empty()) {
    auto pinned = parse_cpuset(limits.cpuset);
    if (!pinned) return std::move(pinned).error();
    std::vector<int> missing;
    std::set_difference(pinned->begin(), pinned->end(), cpus.begin(), cpus.end(), std::back_inserter(missing));
    if (!missing.empty()) {
      return make_error(
          ErrorCode::InvalidArgument,
          fmt::format("cpuset '{}' names CPU {}, which this host does not offer (available CPUs: {})", limits.cpuset,
                      format_cpuset(missing), format_cpuset(cpus)),
          fmt::format("pick CPUs from {} or leave cpuset out for the default placement", format_cpuset(cpus)));
    }
    p.target_cpuset = limits.cpuset;
    std::vector<int> rest;
    std::set_difference(cpus.begin(), cpus.end(), pinned->begin(), pinned->end(), std::back_inserter(rest));
    p.harness_cpuset = format_cpuset(rest);
    p.reason = "cpuset given in the scenario";
    return p;
  }
  if (cpus.size() < 2 || cpus.size() > kPinApartMaxCpus) {
    p.reason = cpus.size() < 2 ? "one CPU: nothing to pin apart" : "many CPUs: not pinned";
    return p;
  }
  p.harness_cpuset = std::to_string(cpus.front());
  p.target_cpuset = format_cpuset(std::vector<int>(cpus.begin() + 1, cpus.end()));
  p.reason =
      fmt::format("few CPUs ({}): harness on CPU {}, target on {}", cpus.size(), p.harness_cpuset, p.target_cpuset);
  return p;
}

std::string harness_cpuset(const std::vector<TargetConfig>& targets, const std::vector<int>& cpus) {
  std::set<int> harness(cpus.begin(), cpus.end());
  bool pinned_any = false;
  for (const auto& t : targets) {
    if (std::holds_alternative<RemoteConfig>(t.kind)) continue;  // nothing runs here but the proxy
    ResourceLimits limits;
    limits.cpuset = requested_cpuset(t.kind);
    const auto p = plan_placement(limits, cpus);
    if (!p || p->target_cpuset.empty()) continue;  // a bad cpuset fails that target's deploy
    pinned_any = true;
    if (auto set = parse_cpuset(p->target_cpuset)) {
      for (int c : *set) harness.erase(c);
    }
  }
  if (!pinned_any || harness.empty()) return {};
  return format_cpuset(std::vector<int>(harness.begin(), harness.end()));
}

}  // namespace deploybench::target
