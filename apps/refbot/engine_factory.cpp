#include "engine_factory.h"

#include <fmt/format.h>

#include "engine/config.h"
#include "engine/isa_choice.h"
#include "serve/fake_engine.h"
#include "serve/model_engine.h"

namespace deploybench::refbot {

CLI::Option* add_isa_option(CLI::App& cmd, std::string& isa) {
  return cmd
      .add_option("--isa", isa,
                  fmt::format("Kernel path: {} (auto: the best this CPU runs; portable is the path of "
                              "CPUs without AVX, e.g. a qemu64 VM)",
                              engine::isa_names()))
      ->envname("REFBOT_ISA")
      ->capture_default_str();
}

Result<serve::EngineLoader> make_engine_loader(const ModelFlags& flags) {
  auto precision = engine::parse_precision(flags.precision);
  if (!precision) return make_error(ErrorCode::InvalidArgument, "--precision: " + precision.error().message);
  const bool fake = flags.preset == "fake";
  if (!fake && flags.model.empty() && !engine::preset_config(flags.preset))
    return make_error(ErrorCode::InvalidArgument,
                      fmt::format("--preset '{}' is not one of {}, fake", flags.preset, engine::preset_names()));
  if (flags.threads < 1) return make_error(ErrorCode::InvalidArgument, "--threads must be at least 1");
  if (flags.max_batch < 1) return make_error(ErrorCode::InvalidArgument, "--max-batch must be at least 1");
  if (auto isa = engine::choose_isa(flags.isa); !isa && !fake)
    return make_error(ErrorCode::InvalidArgument, "--isa: " + isa.error().message, isa.error().hint);
  if (!flags.tokenizer.empty() && flags.model.empty())
    return make_error(ErrorCode::InvalidArgument, "--tokenizer needs --model");
  if (fake) {  // no model: a fixed cadence, for measuring the service alone
    serve::FakeEngineOptions o;
    o.max_sequences = flags.max_batch;
    o.model_id = "refbot-fake";
    return serve::EngineLoader([o]() -> Result<std::unique_ptr<serve::Engine>> {
      return std::unique_ptr<serve::Engine>(std::make_unique<serve::FakeEngine>(o));
    });
  }
  engine::ModelOptions o;
  o.preset = flags.preset;
  o.checkpoint = flags.model;
  o.tokenizer = flags.tokenizer;
  o.precision = *precision;
  o.threads = flags.threads;
  o.isa = flags.isa;
  o.max_sequences = flags.max_batch;
  return serve::EngineLoader([o] { return serve::load_model_engine(o); });
}

}  // namespace deploybench::refbot
