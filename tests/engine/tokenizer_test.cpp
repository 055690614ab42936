#include "engine/tokenizer.h"

#include <catch2/catch.hpp>

#include "core/fs.h"

using namespace deploybench;
using namespace deploybench::engine;

TEST_CASE("byte tokenizer round-trips any text exactly") {
  auto tok = make_byte_tokenizer(32000);
  std::string text = "Hello, wörld! \t\n 你好";
  for (int b = 0; b < 256; ++b) text += static_cast<char>(b);
  const auto ids = tok->encode(text, true);
  REQUIRE(ids.size() == text.size() + 1);
  CHECK(ids[0] == tok->bos());
  std::string back;
  for (std::size_t i = 1; i < ids.size(); ++i) back += tok->decode(ids[i - 1], ids[i]);
  CHECK(back == text);
}

TEST_CASE("byte tokenizer decodes high ids to fixed pseudo-words") {
  auto tok = make_byte_tokenizer(32000);
  CHECK(tok->decode(1, 259) == " ba");
  CHECK(tok->decode(1, 31999).size() > 2);
  CHECK(tok->decode(1, 31999) == make_byte_tokenizer(32000)->decode(5, 31999));
  CHECK(tok->decode(1, tok->eos()).empty());
}

TEST_CASE("BPE tokenizer merges by score and decodes llama2.c pieces") {
  // Vocabulary: <unk> <s> </s>, 256 byte tokens, then " ", "a", "b", " a",
  // "ab", " ab".
  std::vector<std::string> pieces{"<unk>", "<s>", "</s>"};
  char buf[8];
  for (int b = 0; b < 256; ++b) {
    std::snprintf(buf, sizeof buf, "<0x%02X>", b);
    pieces.emplace_back(buf);
  }
  for (const char* p : {" ", "a", "b", " a", "ab", " ab"}) pieces.emplace_back(p);
  std::string file(4, '\0');
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const float score = static_cast<float>(i);
    const auto len = static_cast<std::int32_t>(pieces[i].size());
    file.append(reinterpret_cast<const char*>(&score), 4);
    file.append(reinterpret_cast<const char*>(&len), 4);
    file += pieces[i];
  }
  const auto path = std::filesystem::temp_directory_path() / ("tok-test-" + std::to_string(::getpid()) + ".bin");
  REQUIRE(write_file_atomic(path, file).ok());
  const int vocab = static_cast<int>(pieces.size());
  auto tok = load_bpe_tokenizer(path, vocab);
  REQUIRE(tok.ok());
  const auto ids = tok.value()->encode("ab!", true);
  // " " "a" "b" "!" -> " a" scores 262 < "ab" 263 ... -> " ab" (264): [<s>, "
  // ab", byte '!']
  REQUIRE(ids == std::vector<int>{1, vocab - 1, 3 + '!'});
  CHECK(tok.value()->decode(1, vocab - 1) == "ab");  // space stripped after BOS
  CHECK(tok.value()->decode(5, vocab - 1) == " ab");
  CHECK(tok.value()->decode(5, 3 + '!') == "!");
  auto short_vocab = load_bpe_tokenizer(path, vocab + 1);
  REQUIRE_FALSE(short_vocab.ok());
  CHECK(short_vocab.error().message.find("truncated") != std::string::npos);
  std::filesystem::remove(path);
}
