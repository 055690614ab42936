#pragma once
// Model hyperparameters and the options refbot loads a model with.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace deploybench::engine {

/// llama2.c's Config: every size the transformer needs.
struct Config {
  int dim = 0;         // residual stream width
  int hidden_dim = 0;  // SwiGLU inner width
  int n_layers = 0;
  int n_heads = 0;     // query heads
  int n_kv_heads = 0;  // key/value heads (grouped-query attention when < n_heads)
  int vocab_size = 0;
  int seq_len = 0;                // maximum context length
  bool shared_classifier = true;  // classifier reuses the token embedding

  int head_size() const { return dim / n_heads; }
  int kv_dim() const { return head_size() * n_kv_heads; }
  /// Total parameter count (embedding counted once when shared).
  std::int64_t parameters() const;
  /// Checks the shape invariants the kernels rely on; the error names `source`.
  Status validate(std::string_view source) const;
};

enum class Precision { Fp32, Int8 };
std::string_view to_string(Precision precision);
Result<Precision> parse_precision(std::string_view text);

/// Synthetic-weight presets: tiny (~15M), small (~36M), base (~110M).
std::optional<Config> preset_config(std::string_view name);
/// "tiny, small, base": for error hints and --help.
std::string preset_names();

struct ModelOptions {
  std::string preset = "tiny";       // tiny | small | base (synthetic weights from `seed`)
  std::filesystem::path checkpoint;  // llama2.c checkpoint instead of a preset
  std::filesystem::path tokenizer;   // tokenizer.bin for checkpoints
  Precision precision = Precision::Int8;
  int threads = 1;           // persistent thread pool size
  int max_sequences = 8;     // KV-cache slots = maximum decode batch
  std::uint64_t seed = 42;   // synthetic weights
  int group_size = 0;        // int8 quantization group; 0 picks the largest of 64/32 dividing dims
  std::string isa = "auto";  // kernel path: auto | portable | avx2 | avx512 (see isa_choice.h)
};

}  // namespace deploybench::engine
