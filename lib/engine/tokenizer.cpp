#include "engine/tokenizer.h"

#include <fmt/format.h>

#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "engine/mapped_file.h"

namespace deploybench::engine {
namespace {

constexpr int kBos = 1, kEos = 2, kFirstByte = 3;

class ByteTokenizer final : public Tokenizer {
 public:
  explicit ByteTokenizer(int vocab_size) : vocab_size_(vocab_size) {}

  std::vector<int> encode(std::string_view text, bool bos) const override {
    std::vector<int> ids;
    ids.reserve(text.size() + 1);
    if (bos) ids.push_back(kBos);
    for (unsigned char ch : text) ids.push_back(kFirstByte + ch);
    return ids;
  }

  std::string decode(int /*prev_token*/, int token) const override {
    if (token >= kFirstByte && token < kFirstByte + 256) return std::string(1, static_cast<char>(token - kFirstByte));
    if (token < kFirstByte || token >= vocab_size_) return {};
    return pseudo_word(token - kFirstByte - 256);
  }

  int bos() const override { return kBos; }
  int eos() const override { return kEos; }
  int vocab_size() const override { return vocab_size_; }

 private:
  // " " plus 1-3 consonant-vowel syllables spelled from the id's digits in
  // base 70.
  static std::string pseudo_word(int id) {
    static constexpr std::string_view kConsonants = "bdfgklmnprstvz";  // 14
    static constexpr std::string_view kVowels = "aeiou";               // 5
    std::string word = " ";
    do {
      const int syllable = id % 70;
      word += kConsonants[syllable / 5];
      word += kVowels[syllable % 5];
      id /= 70;
    } while (id > 0);
    return word;
  }
  int vocab_size_;
};

class BpeTokenizer final : public Tokenizer {
 public:
  BpeTokenizer(std::vector<std::string> pieces, std::vector<float> scores)
      : pieces_(std::move(pieces)), scores_(std::move(scores)) {
    for (int i = 0; i < static_cast<int>(pieces_.size()); ++i) ids_.emplace(pieces_[i], i);
  }

  std::vector<int> encode(std::string_view text, bool bos) const override;

  std::string decode(int prev_token, int token) const override {
    if (token < 0 || token >= static_cast<int>(pieces_.size())) return {};
    std::string_view piece = pieces_[token];
    if (prev_token == kBos && !piece.empty() && piece[0] == ' ') piece.remove_prefix(1);
    unsigned byte = 0;
    if (piece.size() == 6 && std::sscanf(std::string(piece).c_str(), "<0x%02X>", &byte) == 1)
      return std::string(1, static_cast<char>(byte));
    return std::string(piece);
  }

  int bos() const override { return kBos; }
  int eos() const override { return kEos; }
  int vocab_size() const override { return static_cast<int>(pieces_.size()); }

 private:
  int lookup(std::string_view piece) const {
    auto it = ids_.find(std::string(piece));
    return it == ids_.end() ? -1 : it->second;
  }
  std::vector<std::string> pieces_;
  std::vector<float> scores_;
  std::unordered_map<std::string, int> ids_;
};

// SentencePiece-style BPE as llama2.c runs it: a dummy-prefix space, one token
// per UTF-8 character (bytes as <0xXX> tokens when the character is unknown),
// then repeatedly merge the adjacent pair whose concatenation is the
// highest-scoring vocabulary entry.
std::vector<int> BpeTokenizer::encode(std::string_view text, bool bos) const {
  std::vector<int> ids;
  if (bos) ids.push_back(kBos);
  if (text.empty()) return ids;
  if (const int space = lookup(" "); space >= 0) ids.push_back(space);
  for (std::size_t i = 0; i < text.size();) {
    std::size_t len = 1;
    while (i + len < text.size() && len < 4 && (static_cast<unsigned char>(text[i + len]) & 0xC0) == 0x80) ++len;
    const std::string_view ch = text.substr(i, len);
    if (const int id = lookup(ch); id >= 0) {
      ids.push_back(id);
    } else {
      for (unsigned char byte : ch) ids.push_back(kFirstByte + byte);
    }
    i += len;
  }
  const std::size_t first = bos ? 1 : 0;
  for (;;) {
    float best_score = -1e30f;
    int best_id = -1;
    std::size_t best_at = 0;
    for (std::size_t i = first; i + 1 < ids.size(); ++i) {
      const int id = lookup(pieces_[ids[i]] + pieces_[ids[i + 1]]);
      if (id >= 0 && scores_[id] > best_score) {
        best_score = scores_[id];
        best_id = id;
        best_at = i;
      }
    }
    if (best_id < 0) break;
    ids[best_at] = best_id;
    ids.erase(ids.begin() + static_cast<std::ptrdiff_t>(best_at) + 1);
  }
  return ids;
}

}  // namespace

std::unique_ptr<Tokenizer> make_byte_tokenizer(int vocab_size) { return std::make_unique<ByteTokenizer>(vocab_size); }

Result<std::unique_ptr<Tokenizer>> load_bpe_tokenizer(const std::filesystem::path& path, int vocab_size) {
  auto file = map_file(path);
  if (!file.ok()) return file.error();
  const MappedFile& f = file.value();
  std::size_t at = 4;  // int32 max_token_length, unused
  auto truncated = [&](int token) {
    return make_error(ErrorCode::InvalidArgument,
                      fmt::format("{}: truncated at token {} of {} (offset {}, file has {} bytes)", path.string(),
                                  token, vocab_size, at, f.size),
                      "is this llama2.c's tokenizer.bin for this model?");
  };
  std::vector<std::string> pieces(vocab_size);
  std::vector<float> scores(vocab_size);
  for (int i = 0; i < vocab_size; ++i) {
    std::int32_t len = 0;
    if (f.size < at + 8) return truncated(i);
    std::memcpy(&scores[i], f.data + at, 4);
    std::memcpy(&len, f.data + at + 4, 4);
    at += 8;
    if (len < 0 || static_cast<std::size_t>(len) > f.size - at) return truncated(i);
    pieces[i].assign(reinterpret_cast<const char*>(f.data + at), static_cast<std::size_t>(len));
    at += static_cast<std::size_t>(len);
  }
  return std::unique_ptr<Tokenizer>(std::make_unique<BpeTokenizer>(std::move(pieces), std::move(scores)));
}

Result<std::unique_ptr<Tokenizer>> make_tokenizer(const ModelOptions& options, const Config& config) {
  if (options.checkpoint.empty() ||
      (options.tokenizer.empty() && !std::filesystem::exists(options.checkpoint.parent_path() / "tokenizer.bin"))) {
    if (config.vocab_size < kFirstByte + 256)
      return make_error(ErrorCode::InvalidArgument,
                        fmt::format("vocab size {} is too small for the byte-level tokenizer", config.vocab_size),
                        "pass the model's tokenizer.bin");
    return make_byte_tokenizer(config.vocab_size);
  }
  const auto path = options.tokenizer.empty() ? options.checkpoint.parent_path() / "tokenizer.bin" : options.tokenizer;
  return load_bpe_tokenizer(path, config.vocab_size);
}

}  // namespace deploybench::engine
