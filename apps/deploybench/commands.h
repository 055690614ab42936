#pragma once
// One subcommand per file (style rule 11): setup_X binds flags into an options struct and sets
// a callback that runs run_X and stores its exit code in `exit_code`.
#include <CLI/CLI.hpp>

namespace deploybench::cli {

void setup_run(CLI::App& app, int& exit_code);
void setup_validate(CLI::App& app, int& exit_code);
void setup_report(CLI::App& app, int& exit_code);
void setup_compare(CLI::App& app, int& exit_code);
void setup_gate(CLI::App& app, int& exit_code);
void setup_probe(CLI::App& app, int& exit_code);
void setup_cleanup(CLI::App& app, int& exit_code);
void setup_doctor(CLI::App& app, int& exit_code);

}  // namespace deploybench::cli
