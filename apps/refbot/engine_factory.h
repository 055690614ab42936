#pragma once
// Chooses and loads the Engine refbot serves, from the model flags.
#include <CLI/CLI.hpp>
#include <string>

#include "serve/server.h"

namespace deploybench::refbot {

struct ModelFlags {
  std::string preset = "tiny";  // tiny | small | base (synthetic weights) | fake (no model)
  std::string model;            // llama2.c checkpoint (instead of a preset)
  std::string tokenizer;        // tokenizer.bin for a checkpoint
  std::string precision = "int8";
  int threads = 1;
  int max_batch = 8;
  std::string isa = "auto";  // kernel path (engine/isa_choice.h)
};

/// Adds --isa (default from $REFBOT_ISA, else auto) to a subcommand that loads a model.
CLI::Option* add_isa_option(CLI::App& cmd, std::string& isa);

/// Checks the flags now (usage errors before binding a port) and returns a loader to run later.
Result<serve::EngineLoader> make_engine_loader(const ModelFlags& flags);

}  // namespace deploybench::refbot
