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

/// The first word when it names no subcommand ("deploybench bogus"), which CLI11 would only
/// report as "A subcommand is required".
std::optional<std::string> unknown_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-' || !app.get_subcommands().empty()) return std::nullopt;
  const std::string word = argv[1];
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->check_name(word)) return std::nullopt;
  }
  return word;
}

int report_unknown_command(const CLI::App& app, const std::string& word) {
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
  const auto near = deploybench::closest_match(word, names);
  fmt::print(stderr, "deploybench: unknown command '{}'{}; see deploybench --help\n", word,
             near ? " (did you mean '" + *near + "'?)" : "");
  return deploybench::cli::code(deploybench::cli::ExitCode::Usage);
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
    if (auto word = unknown_command(app, argc, argv)) return report_unknown_command(app, *word);
    const int rc = app.exit(e);
    return rc == 0 ? 0 : cli::code(cli::ExitCode::Usage);
  } catch (const std::system_error& e) {
    // fmt::print to a closed stdout/stderr: targets are already torn down by then (output.h).
    if (e.code() == std::errc::broken_pipe) return cli::code(cli::ExitCode::Interrupted);
    throw;
  }
  return exit_code;
}
