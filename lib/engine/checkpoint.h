#pragma once
// llama2.c checkpoints: the legacy fp32 format (run.c), and the versioned
// formats of export.py (version 1 fp32, version 2 int8 group-quantized "Q8_0").
// Read memory-mapped, written whole.
#include <filesystem>
#include <string_view>

#include "core/error.h"
#include "engine/config.h"
#include "engine/weights.h"

namespace deploybench::engine {

/// Magic of the versioned formats: "ak42" as a little-endian uint32.
inline constexpr std::uint32_t kCheckpointMagic = 0x616b3432;

/// Reads a checkpoint, converted to `precision` (fp32 files are quantized with
/// `group_size`, 0 to choose; int8 files are dequantized). Errors name the file
/// and what is wrong with it.
Result<AnyWeights> load_checkpoint(const std::filesystem::path& path, Precision precision, int group_size);

/// Writes `weights` as a llama2.c checkpoint: the legacy format for fp32 (what
/// run.c reads), version 2 for int8 (what runq.c reads). The file is replaced
/// atomically.
Status write_checkpoint(const std::filesystem::path& path, const AnyWeights& weights);

/// The weights `options` describe (synthetic preset or checkpoint) in
/// `options.precision`.
Result<AnyWeights> make_weights(const ModelOptions& options);

/// The int8 group size for `config`: `requested`, checked, or the largest that
/// fits when 0.
Result<int> int8_group_size(const Config& config, int requested, std::string_view source);

/// The fp32 weights an int8 model dequantizes to.
Weights<Fp32Matrix> dequantize_weights(const Weights<Int8Matrix>& w);

}  // namespace deploybench::engine
