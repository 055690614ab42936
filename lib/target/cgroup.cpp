#include "target/cgroup.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/fs.h"
#include "core/text.h"

namespace deploybench::target {
namespace fs = std::filesystem;
namespace {

constexpr const char* kGroup = "deploybench";

bool has_word(const std::string& list, const std::string& word, char sep) {
  for (const auto& w : split(list, sep)) {
    if (w == word) return true;
  }
  return false;
}

std::string slurp_trimmed(const fs::path& p) {
  auto text = read_file(p, 1u << 20);
  if (!text) return {};
  std::string s = *text;
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

Status write_value(const fs::path& file, const std::string& value) {
  std::ofstream out(file);
  out << value;
  out.flush();
  if (!out) return make_error(ErrorCode::Io, "cannot write '" + value + "' to " + file.string());
  return Ok{};
}

/// Sums "key value" lines of a memory.stat file for the given keys.
std::uint64_t stat_sum(const fs::path& file, std::initializer_list<const char*> keys) {
  std::ifstream in(file);
  std::string key;
  std::uint64_t value = 0, total = 0;
  while (in >> key >> value) {
    for (const char* k : keys) {
      if (key == k) total += value;
    }
  }
  return total;
}

/// The cgroup path of `pid` for a v1 controller, or for v2 (controller empty).
std::optional<std::string> cgroup_path_of(pid_t pid, const std::string& controller) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    const auto a = line.find(':');
    const auto b = line.find(':', a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    const auto controllers = line.substr(a + 1, b - a - 1);
    if (controller.empty() ? (line.substr(0, a) == "0" && controllers.empty())
                           : has_word(controllers, controller, ',')) {
      return line.substr(b + 1);
    }
  }
  return std::nullopt;
}

}  // namespace

CgroupMounts parse_cgroup_mounts(std::string_view mountinfo, const fs::path& fs_root) {
  CgroupMounts m;
  for (const auto& line : split(mountinfo, '\n')) {
    const auto fields = split(line, ' ');
    std::size_t dash = 0;
    while (dash < fields.size() && fields[dash] != "-") ++dash;
    if (fields.size() < 5 || dash + 3 >= fields.size()) continue;
    const fs::path point = fields[4];
    const auto& type = fields[dash + 1];
    const auto& options = fields[dash + 3];
    if (type == "cgroup") {
      if (has_word(options, "cpu", ',')) m.cpu = point;
      if (has_word(options, "cpuacct", ',')) m.cpuacct = point;
      if (has_word(options, "memory", ',')) m.memory = point;
    } else if (type == "cgroup2") {
      const auto controllers = slurp_trimmed(fs_root / point.relative_path() / "cgroup.controllers");
      if (has_word(controllers, "cpu", ' ') && has_word(controllers, "memory", ' ')) {
        m.v2 = point;
        m.v2_controllers = controllers;
      } else if (m.v2_controllers.empty()) {
        m.v2_controllers = controllers;
      }
    }
  }
  return m;
}

CgroupMounts read_cgroup_mounts() {
  auto text = read_file("/proc/self/mountinfo");
  return parse_cgroup_mounts(text ? std::string_view(*text) : std::string_view{});
}

std::string describe_cgroups(const CgroupMounts& m) {
  if (m.v2) return "v2 at " + m.v2->string();
  if (m.cpu && m.cpuacct && m.memory) {
    return "v1 (cpu " + m.cpu->string() + ", memory " + m.memory->string() + ")" +
           (m.v2_controllers.empty() ? "" : "; the cgroup2 mount has only: " + m.v2_controllers);
  }
  return "none: no cgroup v2 mount with cpu+memory and no v1 "
         "cpu/cpuacct/memory hierarchies";
}

Result<Cgroup> Cgroup::create(const CgroupMounts& mounts, const std::string& name, const ResourceLimits& limits) {
  Cgroup cg;
  std::error_code ec;
  auto make_dir = [&](const fs::path& root) -> Result<fs::path> {
    const auto dir = root / kGroup / name;
    fs::create_directories(dir, ec);
    if (ec) return make_error(ErrorCode::Io, "cannot create cgroup " + dir.string() + ": " + ec.message());
    cg.dirs_.push_back(dir);
    return dir;
  };
  if (mounts.v2) {
    cg.version_ = CgroupVersion::V2;
    // Controllers must be enabled in every ancestor's subtree_control.
    (void)write_value(*mounts.v2 / "cgroup.subtree_control", "+cpu +memory");
    fs::create_directories(*mounts.v2 / kGroup, ec);
    (void)write_value(*mounts.v2 / kGroup / "cgroup.subtree_control", "+cpu +memory");
    auto dir = make_dir(*mounts.v2);
    if (!dir) return std::move(dir).error();
    if (limits.cpus) {
      const auto quota = static_cast<long>(std::lround(*limits.cpus * 100000));
      if (auto s = write_value(*dir / "cpu.max", std::to_string(quota) + " 100000"); !s) return s.error();
    }
    if (limits.memory_bytes) {
      if (auto s = write_value(*dir / "memory.max", std::to_string(*limits.memory_bytes)); !s) return s.error();
    }
    return cg;
  }
  if (!mounts.cpu || !mounts.cpuacct || !mounts.memory) {
    return make_error(ErrorCode::Unavailable, "cgroups: " + describe_cgroups(mounts),
                      "CPU and memory limits need cgroups; drop limits: or "
                      "mount the controllers");
  }
  for (const auto& root : {*mounts.cpu, *mounts.cpuacct, *mounts.memory}) {
    if (std::find(cg.dirs_.begin(), cg.dirs_.end(), root / kGroup / name) != cg.dirs_.end()) continue;
    if (auto dir = make_dir(root); !dir) return std::move(dir).error();
  }
  const auto cpu_dir = *mounts.cpu / kGroup / name;
  if (limits.cpus) {
    const auto quota = static_cast<long>(std::lround(*limits.cpus * 100000));
    if (auto s = write_value(cpu_dir / "cpu.cfs_period_us", "100000"); !s) return s.error();
    if (auto s = write_value(cpu_dir / "cpu.cfs_quota_us", std::to_string(quota)); !s) return s.error();
  }
  if (limits.memory_bytes) {
    const auto mem_dir = *mounts.memory / kGroup / name;
    if (auto s = write_value(mem_dir / "memory.limit_in_bytes", std::to_string(*limits.memory_bytes)); !s) {
      return s.error();
    }
  }
  return cg;
}

std::vector<fs::path> Cgroup::procs_files() const {
  std::vector<fs::path> out;
  for (const auto& d : dirs_) out.push_back(d / "cgroup.procs");
  return out;
}

Status remove_cgroup_dirs(const std::vector<fs::path>& dirs) {
  for (const auto& dir : dirs) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) continue;
    const auto deadline = SteadyClock::now() + std::chrono::seconds{3};
    for (;;) {
      std::ifstream procs(dir / "cgroup.procs");
      bool any = false;
      for (pid_t pid; procs >> pid;) {
        any = true;
        kill(pid, SIGKILL);
      }
      if ((!any && fs::remove(dir, ec)) || SteadyClock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    if (fs::exists(dir, ec)) {
      return make_error(ErrorCode::Failed, "cannot remove cgroup " + dir.string() + ": it still has processes");
    }
  }
  return Ok{};
}

std::string owned_cgroup_name(const std::string& deployment) {
  const pid_t self = getpid();
  const auto st = read_proc_stat(self);
  return std::to_string(self) + "." + std::to_string(st ? st->start_ticks : 0) + "." + deployment;
}

bool cgroup_owner_alive(const fs::path& dir) {
  const auto parts = split(dir.filename().string(), '.');
  if (parts.size() < 3) return false;
  try {
    return process_alive(static_cast<pid_t>(std::stol(parts[0])), std::stoull(parts[1]));
  } catch (const std::exception&) {
    return false;
  }
}

std::vector<fs::path> list_deploybench_cgroups(const CgroupMounts& m) {
  std::vector<fs::path> out;
  for (const auto& root : {m.v2, m.cpu, m.cpuacct, m.memory}) {
    if (!root) continue;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(*root / kGroup, ec)) {
      if (e.is_directory() && std::find(out.begin(), out.end(), e.path()) == out.end()) out.push_back(e.path());
    }
  }
  return out;
}

Result<ProcUsage> read_cgroup_usage_of(pid_t pid, const CgroupMounts& m) {
  ProcUsage u;
  if (m.v2) {
    const auto path = cgroup_path_of(pid, "");
    if (!path) return make_error(ErrorCode::NotFound, "process " + std::to_string(pid) + " has no cgroup v2 path");
    const auto dir = *m.v2 / fs::path(*path).relative_path();
    u.cpu_seconds = static_cast<double>(stat_sum(dir / "cpu.stat", {"usage_usec"})) / 1e6;
    u.rss_bytes = stat_sum(dir / "memory.stat", {"anon", "file_mapped"});
    return u;
  }
  const auto cpu_path = cgroup_path_of(pid, "cpuacct");
  const auto mem_path = cgroup_path_of(pid, "memory");
  if (!m.cpuacct || !m.memory || !cpu_path || !mem_path) {
    return make_error(ErrorCode::NotFound, "no cgroup v1 cpuacct/memory path for process " + std::to_string(pid));
  }
  const auto usage = slurp_trimmed(*m.cpuacct / fs::path(*cpu_path).relative_path() / "cpuacct.usage");
  if (usage.empty()) return make_error(ErrorCode::NotFound, "cgroup of process " + std::to_string(pid) + " is gone");
  try {
    u.cpu_seconds = std::stod(usage) / 1e9;
  } catch (const std::exception&) {
    return make_error(ErrorCode::Failed, "unreadable cpuacct.usage '" + usage + "'");
  }
  u.rss_bytes =
      stat_sum(*m.memory / fs::path(*mem_path).relative_path() / "memory.stat", {"total_rss", "total_mapped_file"});
  return u;
}

}  // namespace deploybench::target
