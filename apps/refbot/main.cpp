// refbot: the reference OpenAI-compatible chatbot server that deploybench deploys and measures.
#include <fmt/core.h>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "core/host.h"
#include "core/text.h"

int main(int argc, char** argv) {
  using namespace deploybench;
  CLI::App app{
      "refbot: an OpenAI-compatible chatbot server on a llama-style transformer (CPU), with continuous\n"
      "batching, streaming, Prometheus metrics and a built-in knowledge base.",
      "refbot"};
  app.set_version_flag("--version", version_string());
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 success, 1 failure, 2 usage error.\nRun 'refbot SUBCOMMAND --help' for a subcommand's flags.");
  int exit_code = 0;
  refbot::setup_serve(app, exit_code);
  refbot::setup_overhead(app, exit_code);
  setup_bench(app, exit_code);
  setup_export(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    std::vector<std::string> names;  // "refbot bogus": CLI11 would only say "A subcommand is required"
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
    if (argc > 1)
      if (auto msg = unknown_command("refbot", argv[1], names)) {
        fmt::print(stderr, "{}\n", *msg);
        return 2;
      }
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  return exit_code;
}
