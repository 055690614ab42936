#include "engine_factory.h"

#include <fmt/format.h>

#include "serve/fake_engine.h"

namespace deploybench::refbot {
namespace {

/// Decode cost of the fake engine per preset: roughly a CPU model of that shape.
Nanos fake_step_cost(const std::string& preset) {
  if (preset == "base") return std::chrono::milliseconds(40);
  if (preset == "small") return std::chrono::milliseconds(15);
  return std::chrono::milliseconds(5);
}

}  // namespace

Result<serve::EngineLoader> make_engine_loader(const ModelFlags& flags) {
  if (flags.precision != "fp32" && flags.precision != "int8")
    return make_error(ErrorCode::InvalidArgument, fmt::format("--precision '{}' is not fp32 or int8", flags.precision));
  if (flags.preset != "tiny" && flags.preset != "small" && flags.preset != "base" && flags.preset != "fake")
    return make_error(ErrorCode::InvalidArgument,
                      fmt::format("--preset '{}' is not tiny, small, base or fake", flags.preset));
  if (flags.threads < 1) return make_error(ErrorCode::InvalidArgument, "--threads must be at least 1");
  if (flags.max_batch < 1) return make_error(ErrorCode::InvalidArgument, "--max-batch must be at least 1");
  if (!flags.model.empty())
    return make_error(ErrorCode::Unavailable, "--model needs the inference engine, which this build lacks",
                      "use --preset");
  const ModelFlags f = flags;
  return serve::EngineLoader([f]() -> Result<std::unique_ptr<serve::Engine>> {
    serve::FakeEngineOptions o;
    o.max_sequences = f.max_batch;
    o.step_cost = fake_step_cost(f.preset);
    o.model_id = "refbot-" + f.preset;
    auto engine = std::make_unique<serve::FakeEngine>(o);
    return std::unique_ptr<serve::Engine>(std::move(engine));
  });
}

}  // namespace deploybench::refbot
