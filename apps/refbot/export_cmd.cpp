// `refbot export`: writes a synthetic preset as a llama2.c checkpoint (legacy fp32 or v2 int8).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <memory>

#include "engine/checkpoint.h"

namespace {

struct ExportArgs {
  deploybench::engine::ModelOptions model;
  std::string precision = "int8";
  std::filesystem::path output;
};

int run_export(ExportArgs& args) {
  using namespace deploybench::engine;
  auto precision = parse_precision(args.precision);
  if (!precision.ok()) {
    std::cerr << "refbot export: " << precision.error().message << " (" << precision.error().hint << ")\n";
    return 2;
  }
  args.model.precision = precision.value();
  auto weights = make_weights(args.model);
  if (!weights.ok()) {
    std::cerr << "refbot export: " << weights.error().message;
    if (!weights.error().hint.empty()) std::cerr << " (" << weights.error().hint << ")";
    std::cerr << "\n";
    return weights.error().code == deploybench::ErrorCode::InvalidArgument ? 2 : 1;
  }
  if (auto ok = write_checkpoint(args.output, weights.value()); !ok.ok()) {
    std::cerr << "refbot export: " << ok.error().message << "\n";
    return 1;
  }
  const auto& config = std::visit([](const auto& w) -> const Config& { return w.config; }, weights.value());
  fmt::print("wrote {} ({:.1f} MB, {} {}, {:.1f}M params, {})\n", args.output.string(),
             static_cast<double>(std::filesystem::file_size(args.output)) / 1e6,
             args.model.checkpoint.empty() ? args.model.preset : args.model.checkpoint.filename().string(),
             args.precision, static_cast<double>(config.parameters()) / 1e6,
             args.model.precision == Precision::Int8 ? "llama2.c version 2 int8" : "llama2.c legacy fp32");
  return 0;
}

}  // namespace

void setup_export(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<ExportArgs>();
  auto* cmd = app.add_subcommand("export", "Write a model as a llama2.c checkpoint");
  cmd->add_option("--preset", args->model.preset, "Synthetic preset (tiny, small, base)")->capture_default_str();
  cmd->add_option("--checkpoint", args->model.checkpoint, "Convert this llama2.c checkpoint instead");
  cmd->add_option("--precision", args->precision, "int8 (version 2) or fp32 (legacy)")->capture_default_str();
  cmd->add_option("--group-size", args->model.group_size, "int8 group size (0: largest of 64/32 that fits)")
      ->capture_default_str();
  cmd->add_option("--seed", args->model.seed, "Synthetic weight seed")->capture_default_str();
  cmd->add_option("-o,--output", args->output, "Output file")->required();
  cmd->callback([args, &exit_code] { exit_code = run_export(*args); });
}
