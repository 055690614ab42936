#pragma once
// Tokenizers: byte-level with a fixed vocabulary for synthetic presets (text
// round-trips exactly), and llama2.c's BPE (tokenizer.bin) for its checkpoints.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "engine/config.h"

namespace deploybench::engine {

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  /// Token ids of `text`, with the BOS token first when `bos`.
  virtual std::vector<int> encode(std::string_view text, bool bos) const = 0;
  /// The text piece of `token` following `prev_token` (llama2.c strips the
  /// space after BOS).
  virtual std::string decode(int prev_token, int token) const = 0;
  virtual int bos() const = 0;
  virtual int eos() const = 0;
  virtual int vocab_size() const = 0;
};

/// Byte-level: 0 <unk>, 1 <s>, 2 </s>, 3..258 the bytes 0x00..0xFF; ids above
/// 258 (which the encoder never produces) decode to fixed pseudo-words so
/// generated text reads as words.
std::unique_ptr<Tokenizer> make_byte_tokenizer(int vocab_size);

/// llama2.c's tokenizer.bin for a model with `vocab_size` tokens.
Result<std::unique_ptr<Tokenizer>> load_bpe_tokenizer(const std::filesystem::path& path, int vocab_size);

/// The tokenizer for a model: byte-level for presets; for a checkpoint,
/// `options.tokenizer`, else tokenizer.bin next to the checkpoint, else
/// byte-level.
Result<std::unique_ptr<Tokenizer>> make_tokenizer(const ModelOptions& options, const Config& config);

}  // namespace deploybench::engine
