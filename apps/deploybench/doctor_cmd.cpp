// deploybench doctor: which target kinds work on this machine, and why not.
#include <fmt/core.h>

#include <algorithm>

#include "commands.h"
#include "exit_codes.h"
#include "target/doctor.h"

namespace deploybench::cli {
namespace {

int run_doctor(bool strict) {
  target::SystemProcessRunner processes;
  const auto env = target::discover_environment(processes);
  const auto statuses = target::doctor(env);
  std::size_t width = 0;
  for (const auto& s : statuses) width = std::max(width, s.kind.size());
  bool all = true;
  for (const auto& s : statuses) {
    all = all && s.works;
    fmt::print("{:<{}}  {:<4}  {}\n", s.kind, width, s.works ? "ok" : "NO", s.detail);
    if (!s.works && !s.hint.empty()) fmt::print("{:<{}}        hint: {}\n", "", width, s.hint);
  }
  return code(all || !strict ? ExitCode::Ok : ExitCode::Failure);
}

}  // namespace

void setup_doctor(CLI::App& app, int& exit_code) {
  auto* sub = app.add_subcommand("doctor", "Report which target kinds (local, container, vm, remote) work here");
  auto strict = std::make_shared<bool>(false);
  sub->add_flag("--strict", *strict, "Exit 1 when any check fails");
  sub->callback([strict, &exit_code] { exit_code = run_doctor(*strict); });
}

}  // namespace deploybench::cli
