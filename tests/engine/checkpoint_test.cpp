#include "engine/checkpoint.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "core/fs.h"
#include "test_model.h"

using namespace deploybench;
using namespace deploybench::engine;

namespace {

struct TempDir {
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("engine-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::filesystem::path path;
};

std::vector<float> logits_of(Model& m) {
  const std::vector<int> tokens{1, 40, 41, 299, 7};
  auto l = m.prefill(0, tokens);
  return {l.begin(), l.end()};
}

std::string bytes_of(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("export then load reproduces the logits") {
  TempDir dir;
  const auto config = testing::test_config();
  for (Precision precision : {Precision::Fp32, Precision::Int8}) {
    auto fp32 = make_synthetic_fp32(config, 3);
    AnyWeights weights = precision == Precision::Fp32 ? AnyWeights{fp32} : AnyWeights{quantize_weights(fp32, 32)};
    const auto path = dir.path / (std::string(to_string(precision)) + ".bin");
    REQUIRE(write_checkpoint(path, weights).ok());
    auto loaded = load_checkpoint(path, precision, 0);
    REQUIRE(loaded.ok());
    auto options = testing::test_options();
    options.checkpoint = path;
    auto make = [&](AnyWeights w) -> std::unique_ptr<Model> {
      if (auto* f = std::get_if<Weights<Fp32Matrix>>(&w))
        return std::make_unique<Transformer<Fp32Matrix>>(*f, options, false, detect_isa());
      return std::make_unique<Transformer<Int8Matrix>>(std::get<Weights<Int8Matrix>>(w), options, false, detect_isa());
    };
    auto original = make(weights), reloaded = make(loaded.value());
    INFO(to_string(precision));
    CHECK(logits_of(*original) == logits_of(*reloaded));
    CHECK(reloaded->config().shared_classifier == false);
  }
}

TEST_CASE("load_model reads exported presets and converts precision") {
  TempDir dir;
  const auto path = dir.path / "m.bin";
  auto config = testing::test_config();
  config.shared_classifier = true;
  REQUIRE(write_checkpoint(path, AnyWeights{quantize_weights(make_synthetic_fp32(config, 9), 32)}).ok());
  ModelOptions o = testing::test_options();
  o.checkpoint = path;
  o.precision = Precision::Fp32;  // an int8 file dequantized
  auto m = load_model(o);
  REQUIRE(m.ok());
  CHECK(m.value()->precision() == Precision::Fp32);
  CHECK_FALSE(m.value()->synthetic());
  CHECK(m.value()->description().find("m.bin fp32") == 0);
}

TEST_CASE("corrupt checkpoints give errors naming the file and the problem") {
  TempDir dir;
  const auto good = dir.path / "good.bin";
  REQUIRE(
      write_checkpoint(good, AnyWeights{quantize_weights(make_synthetic_fp32(testing::test_config(), 1), 32)}).ok());
  const std::string bytes = bytes_of(good);
  auto expect_error = [&](const std::string& content, const std::string& fragment) {
    const auto bad = dir.path / "bad.bin";
    REQUIRE(write_file_atomic(bad, content).ok());
    auto r = load_checkpoint(bad, Precision::Int8, 0);
    REQUIRE_FALSE(r.ok());
    INFO(r.error().message);
    CHECK(r.error().message.find("bad.bin") != std::string::npos);
    CHECK(r.error().message.find(fragment) != std::string::npos);
  };
  SECTION("truncated") { expect_error(bytes.substr(0, bytes.size() - 100), "truncated"); }
  SECTION("truncated header") { expect_error(bytes.substr(0, 100), "truncated"); }
  SECTION("tiny file") { expect_error("abc", "truncated"); }
  SECTION("trailing bytes") { expect_error(bytes + "extra", "unexpected bytes"); }
  SECTION("bad version") {
    std::string b = bytes;
    b[4] = 9;
    expect_error(b, "version 9");
  }
  SECTION("bad group size") {
    std::string b = bytes;
    b[37] = 48;
    expect_error(b, "group size 48");
  }
  SECTION("nonsense legacy header") {
    std::string b(4096, '\x7f');
    expect_error(b, "invalid model shape");
  }
  SECTION("mismatched shape") {
    std::string b = bytes;
    b[8 + 4 * 2] = 3;  // n_layers 2 -> 3: the data runs out
    expect_error(b, "truncated");
  }
  SECTION("missing file") {
    auto r = load_checkpoint(dir.path / "nope.bin", Precision::Int8, 0);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::NotFound);
    CHECK(r.error().message.find("nope.bin") != std::string::npos);
  }
}
