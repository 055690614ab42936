// refbot: the reference chatbot server deploybench deploys (subcommands registered here).
#include <CLI/CLI.hpp>

void setup_bench(CLI::App& app, int& exit_code);
void setup_export(CLI::App& app, int& exit_code);

int main(int argc, char** argv) {
  CLI::App app{"refbot: reference chatbot server on a llama-style transformer"};
  app.require_subcommand(1);
  int exit_code = 0;
  setup_bench(app, exit_code);
  setup_export(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
