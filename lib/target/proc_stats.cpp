#include "target/proc_stats.h"

#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace deploybench::target {
namespace {

std::optional<std::string> slurp(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

double ticks_per_second() {
  const long t = sysconf(_SC_CLK_TCK);
  return t > 0 ? static_cast<double>(t) : 100.0;
}

std::optional<std::uint64_t> vm_rss_bytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      std::uint64_t kb = 0;
      fields >> kb;
      return kb * 1024;
    }
  }
  return std::nullopt;  // kernel threads and zombies have no VmRSS
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view text) {
  const auto close = text.rfind(')');
  if (close == std::string_view::npos || close + 2 >= text.size()) return std::nullopt;
  std::istringstream in{std::string(text.substr(close + 2))};
  // After the command: field 3 (state) onward; field N is index N-3 here.
  std::vector<std::string> f;
  for (std::string tok; in >> tok && f.size() < 20;) f.push_back(tok);
  if (f.size() < 20) return std::nullopt;
  ProcStat st;
  st.state = f[0].empty() ? '?' : f[0][0];
  try {
    st.ppid = static_cast<pid_t>(std::stol(f[1]));
    const double ticks = std::stod(f[11]) + std::stod(f[12]) + std::stod(f[13]) + std::stod(f[14]);
    st.cpu_seconds = ticks / ticks_per_second();
    st.start_ticks = std::stoull(f[19]);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return st;
}

std::optional<ProcStat> read_proc_stat(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  auto text = slurp("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return std::nullopt;
  return parse_proc_stat(*text);
}

bool process_alive(pid_t pid, std::uint64_t start_ticks) {
  const auto st = read_proc_stat(pid);
  if (!st || st->state == 'Z' || st->state == 'X') return false;
  return start_ticks == 0 || st->start_ticks == start_ticks;
}

std::vector<pid_t> process_tree(pid_t pid) {
  std::multimap<pid_t, pid_t> children;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const auto name = entry.path().filename().string();
    pid_t p = 0;
    auto [ptr, err] = std::from_chars(name.data(), name.data() + name.size(), p);
    if (err != std::errc{} || ptr != name.data() + name.size()) continue;
    if (const auto st = read_proc_stat(p)) children.emplace(st->ppid, p);
  }
  std::vector<pid_t> out{pid};
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto [lo, hi] = children.equal_range(out[i]);
    for (auto it = lo; it != hi; ++it) out.push_back(it->second);
  }
  return out;
}

Result<ProcUsage> read_process_usage(pid_t pid) {
  const auto st = read_proc_stat(pid);
  if (!st || st->state == 'Z') {
    return make_error(ErrorCode::NotFound, "process " + std::to_string(pid) + " is gone");
  }
  return ProcUsage{st->cpu_seconds, vm_rss_bytes(pid).value_or(0)};
}

Result<ProcUsage> read_tree_usage(pid_t pid) {
  auto root = read_process_usage(pid);
  if (!root) return root;
  ProcUsage total = *root;
  const auto tree = process_tree(pid);
  for (std::size_t i = 1; i < tree.size(); ++i) {
    if (auto u = read_process_usage(tree[i])) {
      total.cpu_seconds += u->cpu_seconds;
      total.rss_bytes += u->rss_bytes;
    }
  }
  return total;
}

}  // namespace deploybench::target
