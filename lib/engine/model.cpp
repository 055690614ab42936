#include "engine/model.h"

#include <fmt/format.h>

#include "engine/checkpoint.h"
#include "engine/isa_choice.h"
#include "engine/quantize.h"
#include "engine/transformer.h"

namespace deploybench::engine {
namespace {

std::unique_ptr<Model> make_model(AnyWeights weights, const ModelOptions& options, bool synthetic, Isa isa) {
  if (auto* f = std::get_if<Weights<Fp32Matrix>>(&weights))
    return std::make_unique<Transformer<Fp32Matrix>>(std::move(*f), options, synthetic, isa);
  return std::make_unique<Transformer<Int8Matrix>>(std::move(std::get<Weights<Int8Matrix>>(weights)), options,
                                                   synthetic, isa);
}

Result<int> group_for(const Config& c, int requested, std::string_view source) {
  const int widths[] = {c.dim, c.hidden_dim, c.kv_dim()};
  if (requested == 0) {
    const int g = choose_group_size(widths);
    if (g == 0) return make_error(ErrorCode::InvalidArgument, fmt::format("{}: no int8 group size fits", source));
    return g;
  }
  for (int w : widths) {
    if (requested < 32 || (requested & (requested - 1)) != 0 || w % requested != 0)
      return make_error(ErrorCode::InvalidArgument,
                        fmt::format("{}: int8 group size {} does not divide width {}", source, requested, w),
                        "use a multiple of 32 that divides dim and hidden_dim (or 0 to "
                        "choose)");
  }
  return requested;
}

}  // namespace

Result<AnyWeights> make_weights(const ModelOptions& options) {
  if (!options.checkpoint.empty()) return load_checkpoint(options.checkpoint, options.precision, options.group_size);
  const auto config = preset_config(options.preset);
  if (!config) {
    return make_error(ErrorCode::InvalidArgument, fmt::format("unknown model preset '{}'", options.preset),
                      fmt::format("use one of: {}, or a llama2.c checkpoint", preset_names()));
  }
  auto fp32 = make_synthetic_fp32(*config, options.seed);
  if (options.precision == Precision::Fp32) return AnyWeights{std::move(fp32)};
  auto group = group_for(*config, options.group_size, fmt::format("preset {}", options.preset));
  if (!group.ok()) return group.error();
  return AnyWeights{quantize_weights(fp32, group.value())};
}

Result<std::unique_ptr<Model>> load_model(const ModelOptions& options) {
  if (options.threads < 1 || options.threads > 256)
    return make_error(ErrorCode::InvalidArgument, fmt::format("threads must be 1..256, got {}", options.threads));
  if (options.max_sequences < 1 || options.max_sequences > 1024)
    return make_error(ErrorCode::InvalidArgument,
                      fmt::format("max sequences must be 1..1024, got {}", options.max_sequences));
  auto isa = choose_isa(options.isa);  // before the weights: a usage error should not wait for them
  if (!isa.ok()) return isa.error();
  auto weights = make_weights(options);
  if (!weights.ok()) return weights.error();
  return make_model(std::move(weights.value()), options, options.checkpoint.empty(), isa.value());
}

Result<int> int8_group_size(const Config& config, int requested, std::string_view source) {
  return group_for(config, requested, source);
}

}  // namespace deploybench::engine
