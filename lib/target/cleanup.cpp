#include "target/cleanup.h"

#include <signal.h>

#include <algorithm>
#include <set>

#include "core/text.h"
#include "target/container_cli.h"
#include "target/proc_stats.h"
#include "target/state.h"

namespace deploybench::target {
namespace {

/// "pid:start" (the deploybench.owner label) names a running process.
bool owner_label_alive(const std::string& label) {
  const auto colon = label.find(':');
  if (colon == std::string::npos) return false;
  try {
    return process_alive(static_cast<pid_t>(std::stol(label.substr(0, colon))), std::stoull(label.substr(colon + 1)));
  } catch (const std::exception&) {
    return false;
  }
}

void remove_container(const Environment& env, const std::string& runtime, const std::string& id,
                      const CleanupOptions& options, CleanupReport& report) {
  report.actions.push_back("remove " + runtime + " container " + id);
  if (options.dry_run) return;
  auto r = env.processes->run({container_remove_argv(runtime, id, 0), std::chrono::seconds{60}, {}});
  if (r && r->exit_code == 0) {
    ++report.containers_removed;
  } else if (!r || !says_no_such_container(r->output)) {
    report.errors.push_back(runtime + " rm " + id + ": " + (r ? r->output : r.error().message));
  }
}

void cleanup_records(const Environment& env, const CleanupOptions& options, CleanupReport& report,
                     std::set<std::filesystem::path>& live_cgroups) {
  for (const auto& rec : load_states(env.state_dir)) {
    const std::string what = rec.kind + " target '" + rec.target + "' of run " + rec.run_id;
    if (owner_alive(rec) && !options.force) {
      ++report.skipped_live;
      live_cgroups.insert(rec.cgroup_dirs.begin(), rec.cgroup_dirs.end());
      continue;
    }
    if (rec.pid > 0 && process_alive(rec.pid, rec.pid_start)) {
      report.actions.push_back("kill process " + std::to_string(rec.pid) + " (" + what + ")");
      if (!options.dry_run) {
        kill(-rec.pid, SIGKILL);  // it led its own process group
        kill(rec.pid, SIGKILL);
        ++report.processes_killed;
      }
    }
    if (!rec.container_id.empty()) remove_container(env, rec.container_runtime, rec.container_id, options, report);
    // Listed even when its process is gone, so --dry-run shows every record cleanup would remove.
    report.actions.push_back("remove state record " + rec.file.string() + " (" + what + ")");
    if (!options.dry_run) {
      if (auto s = remove_cgroup_dirs(rec.cgroup_dirs); !s) report.errors.push_back(s.error().message);
      remove_state(rec);
      ++report.records_removed;
    }
  }
}

void cleanup_labelled_containers(const Environment& env, const CleanupOptions& options, CleanupReport& report) {
  for (const auto& runtime : installed_container_runtimes()) {
    // docker renders .Labels as a string and has .Label; podman has a map.
    const std::string owner =
        runtime == "docker" ? "{{.Label \"deploybench.owner\"}}" : "{{index .Labels \"deploybench.owner\"}}";
    auto r =
        env.processes->run({{runtime, "ps", "-a", "--filter", "label=deploybench=1", "--format", "{{.ID}} " + owner},
                            std::chrono::seconds{60},
                            {}});
    if (r && r->exit_code != 0 && r->output.find("Cannot connect to the Docker daemon") != std::string::npos) {
      continue;  // no daemon: it cannot have containers running
    }
    if (!r || r->exit_code != 0) {
      report.errors.push_back(runtime + " ps: " + (r ? r->output : r.error().message));
      continue;
    }
    for (const auto& line : split(r->output, '\n')) {
      const auto fields = split(line, ' ');
      if (fields.empty() || fields[0].empty()) continue;
      if (fields.size() > 1 && owner_label_alive(fields[1]) && !options.force) {
        ++report.skipped_live;
        continue;
      }
      remove_container(env, runtime, fields[0], options, report);
    }
  }
}

}  // namespace

std::vector<std::string> installed_container_runtimes() {
  std::vector<std::string> out;
  for (const char* rt : {"podman", "docker"}) {
    if (find_executable(rt)) out.emplace_back(rt);
  }
  return out;
}

CleanupReport cleanup_strays(const Environment& env, const CleanupOptions& options) {
  CleanupReport report;
  std::set<std::filesystem::path> live_cgroups;
  cleanup_records(env, options, report, live_cgroups);
  cleanup_labelled_containers(env, options, report);
  for (const auto& dir : list_deploybench_cgroups(env.cgroups)) {
    if (live_cgroups.count(dir) || (cgroup_owner_alive(dir) && !options.force)) continue;
    report.actions.push_back("remove cgroup " + dir.string());
    if (options.dry_run) continue;
    if (auto s = remove_cgroup_dirs({dir}); s) {
      ++report.cgroups_removed;
    } else {
      report.errors.push_back(s.error().message);
    }
  }
  return report;
}

}  // namespace deploybench::target
