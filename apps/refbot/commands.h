#pragma once
// refbot subcommands, one file each (style rule 11): setup_X binds flags and sets a callback
// that stores the exit code (0 ok, 1 failure, 2 usage) in `exit_code`.
#include <CLI/CLI.hpp>

namespace deploybench::refbot {

void setup_serve(CLI::App& app, int& exit_code);
void setup_overhead(CLI::App& app, int& exit_code);

}  // namespace deploybench::refbot

// Written by the engine helper (bench_cmd.cpp, export_cmd.cpp), at global scope.
void setup_bench(CLI::App& app, int& exit_code);
void setup_export(CLI::App& app, int& exit_code);
