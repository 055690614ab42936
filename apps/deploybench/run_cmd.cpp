#include <fmt/core.h>

#include "commands.h"
#include "exit_codes.h"

namespace deploybench::cli {

void setup_run(CLI::App& app, int& exit_code) {
  auto* sub = app.add_subcommand("run", "Deploy the scenario's targets, drive load, and write results");
  auto file = std::make_shared<std::string>();
  sub->add_option("scenario", *file, "Scenario YAML file")->required();
  sub->callback([file, &exit_code] {
    fmt::print(stderr, "deploybench run: not available in this build yet ({})\n", *file);
    exit_code = code(ExitCode::Failure);
  });
}

}  // namespace deploybench::cli
