#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <system_error>

#include "commands.h"
#include "core/host.h"
#include "core/text.h"
#include "exit_codes.h"

namespace {

/// The names of `app`'s subcommands, for unknown_command (core/text.h).
std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
  return names;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace deploybench;
  // A closed output pipe (`deploybench run x.yaml | head -1`) must not kill the harness before it
  // tears its targets down: writes fail with EPIPE instead, and `run`/`probe` treat a broken
  // stdout/stderr as an interruption (runner/interrupt.h). Children get SIGPIPE back (process.cpp).
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{
      "deploybench: deploy a chatbot locally, in a container, in a VM or point at a remote endpoint,\n"
      "drive load at it, and report latency, throughput and resource use.",
      "deploybench"};
  app.set_version_flag("--version", version_string());
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 success, 1 run failed or harness error, 2 usage error, 3 invalid scenario,\n"
      "4 SLO or gate failed, 130 interrupted.\n"
      "Run 'deploybench SUBCOMMAND --help' for a subcommand's flags.");

  int exit_code = cli::code(cli::ExitCode::Ok);
  cli::setup_run(app, exit_code);
  cli::setup_validate(app, exit_code);
  cli::setup_report(app, exit_code);
  cli::setup_compare(app, exit_code);
  cli::setup_gate(app, exit_code);
  cli::setup_probe(app, exit_code);
  cli::setup_cleanup(app, exit_code);
  cli::setup_doctor(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (argc > 1)
      if (auto msg = unknown_command("deploybench", argv[1], command_names(app))) {
        fmt::print(stderr, "{}\n", *msg);
        return cli::code(cli::ExitCode::Usage);
      }
    const int rc = app.exit(e);
    return rc == 0 ? 0 : cli::code(cli::ExitCode::Usage);
  } catch (const std::system_error& e) {
    // fmt::print to a closed stdout/stderr: targets are already torn down by then (output.h).
    if (e.code() == std::errc::broken_pipe) return cli::code(cli::ExitCode::Interrupted);
    throw;
  }
  return exit_code;
}
