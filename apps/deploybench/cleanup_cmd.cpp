// deploybench cleanup: removes what killed runs left (processes, containers, cgroups, records).
#include <fmt/core.h>

#include "commands.h"
#include "exit_codes.h"
#include "target/cleanup.h"

namespace deploybench::cli {
namespace {

struct CleanupCmdOptions {
  bool force = false;
  bool dry_run = false;
  std::string state_dir;
};

int run_cleanup(const CleanupCmdOptions& o) {
  target::SystemProcessRunner processes;
  auto env = target::discover_environment(processes);
  if (!o.state_dir.empty()) env.state_dir = o.state_dir;
  const auto report = target::cleanup_strays(env, {o.force, o.dry_run});
  for (const auto& a : report.actions) fmt::print("{}{}\n", o.dry_run ? "would " : "", a);
  for (const auto& e : report.errors) fmt::print(stderr, "error: {}\n", e);
  if (report.skipped_live > 0) {
    fmt::print("left {} deployment(s) of running harnesses alone (--force removes them too)\n", report.skipped_live);
  }
  if (o.dry_run && report.actions.empty()) fmt::print("nothing to remove (state dir {})\n", env.state_dir.string());
  if (!o.dry_run) {
    fmt::print("removed {} process(es), {} container(s), {} cgroup(s), {} state record(s) (state dir {})\n",
               report.processes_killed, report.containers_removed, report.cgroups_removed, report.records_removed,
               env.state_dir.string());
  }
  return code(report.clean() ? ExitCode::Ok : ExitCode::Failure);
}

}  // namespace

void setup_cleanup(CLI::App& app, int& exit_code) {
  auto* sub = app.add_subcommand(
      "cleanup", "Remove what interrupted runs left: target processes, VMs, containers (label deploybench=1), cgroups");
  auto o = std::make_shared<CleanupCmdOptions>();
  sub->add_flag("--force", o->force, "Also remove deployments of deploybench runs that are still running");
  sub->add_flag("--dry-run", o->dry_run, "Only print what would be removed");
  sub->add_option("--state-dir", o->state_dir,
                  "State directory (default: $DEPLOYBENCH_STATE_DIR or /tmp/deploybench-state)");
  sub->callback([o, &exit_code] { exit_code = run_cleanup(*o); });
}

}  // namespace deploybench::cli
