#include <fmt/core.h>

#include "commands.h"
#include "exit_codes.h"

namespace deploybench::cli {

void setup_validate(CLI::App& app, int& exit_code) {
  auto* sub = app.add_subcommand("validate", "Check a scenario file and print its plan");
  auto file = std::make_shared<std::string>();
  sub->add_option("scenario", *file, "Scenario YAML file")->required();
  sub->callback([file, &exit_code] {
    fmt::print(stderr, "deploybench validate: not available in this build yet ({})\n", *file);
    exit_code = code(ExitCode::Failure);
  });
}

}  // namespace deploybench::cli
