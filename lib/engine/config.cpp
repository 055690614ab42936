#include "engine/config.h"

#include <fmt/format.h>

namespace deploybench::engine {

std::int64_t Config::parameters() const {
  const std::int64_t d = dim, h = hidden_dim, kv = kv_dim();
  const std::int64_t per_layer = 2 * d + d * d + 2 * d * kv + d * d + 3 * d * h;
  const std::int64_t embedding = static_cast<std::int64_t>(vocab_size) * d;
  return embedding * (shared_classifier ? 1 : 2) + per_layer * n_layers + d;
}

Status Config::validate(std::string_view source) const {
  auto bad = [&](std::string what) {
    return make_error(ErrorCode::InvalidArgument, fmt::format("{}: invalid model shape: {}", source, what),
                      "the file may be truncated, corrupt, or not a llama2.c checkpoint");
  };
  if (dim <= 0 || hidden_dim <= 0 || n_layers <= 0 || n_heads <= 0 || n_kv_heads <= 0 || vocab_size <= 0 ||
      seq_len <= 0)
    return bad(
        fmt::format("non-positive size (dim={} hidden_dim={} "
                    "n_layers={} n_heads={} n_kv_heads={} "
                    "vocab_size={} seq_len={})",
                    dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len));
  if (dim > 65536 || hidden_dim > 262144 || n_layers > 1024 || vocab_size > 1 << 20 || seq_len > 1 << 20)
    return bad(
        fmt::format("implausibly large size (dim={} hidden_dim={} "
                    "n_layers={} vocab_size={} seq_len={})",
                    dim, hidden_dim, n_layers, vocab_size, seq_len));
  if (dim % n_heads != 0) return bad(fmt::format("dim {} is not a multiple of n_heads {}", dim, n_heads));
  if (n_heads % n_kv_heads != 0)
    return bad(fmt::format("n_heads {} is not a multiple of n_kv_heads {}", n_heads, n_kv_heads));
  if (head_size() % 2 != 0) return bad(fmt::format("head size {} is odd (rotary needs pairs)", head_size()));
  if (dim % 32 != 0 || hidden_dim % 32 != 0 || kv_dim() % 32 != 0)
    return bad(fmt::format("dim {}, hidden_dim {} and kv_dim {} must be multiples of 32", dim, hidden_dim, kv_dim()));
  return Ok{};
}

std::string_view to_string(Precision precision) { return precision == Precision::Fp32 ? "fp32" : "int8"; }

Result<Precision> parse_precision(std::string_view text) {
  if (text == "fp32") return Precision::Fp32;
  if (text == "int8" || text == "q8") return Precision::Int8;
  return make_error(ErrorCode::InvalidArgument, fmt::format("unknown precision '{}'", text), "use fp32 or int8");
}

std::optional<Config> preset_config(std::string_view name) {
  if (name == "tiny") return Config{288, 768, 6, 6, 6, 32000, 256, true};
  if (name == "small") return Config{512, 1376, 8, 8, 8, 32000, 1024, true};
  if (name == "base") return Config{768, 2048, 12, 12, 12, 32000, 1024, true};
  return std::nullopt;
}

std::string preset_names() { return "tiny, small, base"; }

}  // namespace deploybench::engine
