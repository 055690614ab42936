// Reading llama2.c checkpoints (layouts: karpathy/llama2.c run.c, runq.c and
// export.py).
#include "engine/checkpoint.h"

#include <fmt/format.h>

#include <cstring>

#include "engine/mapped_file.h"

namespace deploybench::engine {
namespace {

constexpr std::size_t kVersionedHeaderBytes = 256;
constexpr std::string_view kHint = "the file may be truncated, corrupt, or not a llama2.c checkpoint";

// Hands out typed views of consecutive regions; the first overrun is remembered
// and reported.
class Cursor {
 public:
  Cursor(const MappedFile& file, std::string name, std::size_t offset)
      : file_(file), name_(std::move(name)), offset_(offset) {}

  template <typename T>
  const T* take(std::size_t count, std::string_view what) {
    const std::size_t bytes = count * sizeof(T);
    if (error_ || bytes > file_.size - offset_) {
      if (!error_) {
        error_ = make_error(ErrorCode::InvalidArgument,
                            fmt::format("{}: truncated: {} needs {} bytes at offset "
                                        "{}, but the file has {} bytes",
                                        name_, what, bytes, offset_, file_.size),
                            std::string(kHint));
      }
      return nullptr;
    }
    const T* p = reinterpret_cast<const T*>(file_.data + offset_);
    offset_ += bytes;
    return p;
  }

  Status finish() const {
    if (error_) return *error_;
    if (offset_ != file_.size)
      return make_error(ErrorCode::InvalidArgument,
                        fmt::format("{}: {} unexpected bytes after the last "
                                    "tensor (file has {} bytes, the header "
                                    "describes {})",
                                    name_, file_.size - offset_, file_.size, offset_),
                        "the header does not match the data: a mismatched or "
                        "corrupt checkpoint");
    return Ok{};
  }

 private:
  const MappedFile& file_;
  std::string name_;
  std::size_t offset_;
  std::optional<Error> error_;
};

// Reads `count` consecutive matrices (one per layer) of rows x cols.
Fp32Matrix fp32(Cursor& in, int rows, int cols, std::string_view what) {
  return {in.take<float>(static_cast<std::size_t>(rows) * cols, what), rows, cols};
}

Int8Matrix int8(Cursor& in, int rows, int cols, int group, std::string_view what) {
  const std::size_t n = static_cast<std::size_t>(rows) * cols;
  const auto* q = in.take<std::int8_t>(n, what);
  const auto* s = in.take<float>(n / group, what);
  return {q, s, rows, cols, group};
}

template <typename Matrix, typename Read>
void read_layer_matrices(Weights<Matrix>& w, Read read) {
  const Config& c = w.config;
  for (auto& l : w.layers) l.wq = read(c.dim, c.dim, "wq");
  for (auto& l : w.layers) l.wk = read(c.kv_dim(), c.dim, "wk");
  for (auto& l : w.layers) l.wv = read(c.kv_dim(), c.dim, "wv");
  for (auto& l : w.layers) l.wo = read(c.dim, c.dim, "wo");
  for (auto& l : w.layers) l.w1 = read(c.hidden_dim, c.dim, "w1");
  for (auto& l : w.layers) l.w2 = read(c.dim, c.hidden_dim, "w2");
  for (auto& l : w.layers) l.w3 = read(c.hidden_dim, c.dim, "w3");
}

// run.c's layout: header of 7 int32, then fp32 tensors, rotary tables, optional
// classifier.
Weights<Fp32Matrix> read_legacy(Cursor& in, const Config& c) {
  Weights<Fp32Matrix> w;
  w.config = c;
  w.layers.resize(c.n_layers);
  w.embedding = fp32(in, c.vocab_size, c.dim, "token embedding");
  for (auto& l : w.layers) l.rms_att = in.take<float>(c.dim, "rms_att");
  for (auto& l : w.layers) l.wq = fp32(in, c.dim, c.dim, "wq");
  for (auto& l : w.layers) l.wk = fp32(in, c.kv_dim(), c.dim, "wk");
  for (auto& l : w.layers) l.wv = fp32(in, c.kv_dim(), c.dim, "wv");
  for (auto& l : w.layers) l.wo = fp32(in, c.dim, c.dim, "wo");
  for (auto& l : w.layers) l.rms_ffn = in.take<float>(c.dim, "rms_ffn");
  for (auto& l : w.layers) l.w1 = fp32(in, c.hidden_dim, c.dim, "w1");
  for (auto& l : w.layers) l.w2 = fp32(in, c.dim, c.hidden_dim, "w2");
  for (auto& l : w.layers) l.w3 = fp32(in, c.hidden_dim, c.dim, "w3");
  w.rms_final = in.take<float>(c.dim, "rms_final");
  in.take<float>(static_cast<std::size_t>(c.seq_len) * c.head_size(), "rotary tables");
  w.classifier = c.shared_classifier ? w.embedding : fp32(in, c.vocab_size, c.dim, "classifier");
  return w;
}

// export.py versions 1 and 2: norms first, then the embedding, layer matrices,
// classifier.
template <typename Matrix, typename Read>
Weights<Matrix> read_versioned(Cursor& in, const Config& c, Read read) {
  Weights<Matrix> w;
  w.config = c;
  w.layers.resize(c.n_layers);
  for (auto& l : w.layers) l.rms_att = in.take<float>(c.dim, "attention norms");
  for (auto& l : w.layers) l.rms_ffn = in.take<float>(c.dim, "ffn norms");
  w.rms_final = in.take<float>(c.dim, "final norm");
  w.embedding = read(c.vocab_size, c.dim, "token embedding");
  read_layer_matrices(w, read);
  w.classifier = c.shared_classifier ? w.embedding : read(c.vocab_size, c.dim, "classifier");
  return w;
}

Config config_from(const std::int32_t* h) { return Config{h[0], h[1], h[2], h[3], h[4], h[5], h[6], true}; }

Result<AnyWeights> parse(const MappedFile& file, const std::string& name) {
  std::uint32_t magic = 0;
  if (file.size < 28) {
    return make_error(ErrorCode::InvalidArgument,
                      fmt::format("{}: truncated: {} bytes is smaller than any checkpoint header", name, file.size),
                      std::string(kHint));
  }
  std::memcpy(&magic, file.data, 4);
  if (magic != kCheckpointMagic) {
    std::int32_t h[7];
    std::memcpy(h, file.data, sizeof h);
    Config c = config_from(h);
    c.shared_classifier = c.vocab_size > 0;
    if (c.vocab_size < 0) c.vocab_size = -c.vocab_size;
    if (auto ok = c.validate(name); !ok.ok()) return ok.error();
    Cursor in(file, name, 28);
    auto w = read_legacy(in, c);
    if (auto ok = in.finish(); !ok.ok()) return ok.error();
    return AnyWeights{std::move(w)};
  }
  if (file.size < kVersionedHeaderBytes)
    return make_error(ErrorCode::InvalidArgument,
                      fmt::format("{}: truncated: header needs 256 bytes, the file has {}", name, file.size),
                      std::string(kHint));
  std::int32_t version = 0, h[7], group = 0;
  std::memcpy(&version, file.data + 4, 4);
  std::memcpy(h, file.data + 8, sizeof h);
  Config c = config_from(h);
  c.shared_classifier = static_cast<std::uint8_t>(file.data[36]) != 0;
  if (auto ok = c.validate(name); !ok.ok()) return ok.error();
  Cursor in(file, name, kVersionedHeaderBytes);
  if (version == 1) {
    auto w =
        read_versioned<Fp32Matrix>(in, c, [&](int r, int k, std::string_view what) { return fp32(in, r, k, what); });
    if (auto ok = in.finish(); !ok.ok()) return ok.error();
    return AnyWeights{std::move(w)};
  }
  if (version != 2)
    return make_error(ErrorCode::InvalidArgument,
                      fmt::format("{}: unsupported checkpoint version {} (supported: legacy, 1, 2)", name, version));
  std::memcpy(&group, file.data + 37, 4);
  if (group < 32 || (group & (group - 1)) != 0 || c.dim % group != 0 || c.hidden_dim % group != 0 ||
      c.kv_dim() % group != 0)
    return make_error(ErrorCode::InvalidArgument,
                      fmt::format("{}: int8 group size {} is unsupported "
                                  "(needs a power of two >= 32 dividing dim {} and "
                                  "hidden_dim {})",
                                  name, group, c.dim, c.hidden_dim),
                      "re-export with --group-size 32 or 64");
  auto w = read_versioned<Int8Matrix>(in, c,
                                      [&](int r, int k, std::string_view what) { return int8(in, r, k, group, what); });
  if (auto ok = in.finish(); !ok.ok()) return ok.error();
  return AnyWeights{std::move(w)};
}

}  // namespace

Result<AnyWeights> load_checkpoint(const std::filesystem::path& path, Precision precision, int group_size) {
  auto file = map_file(path);
  if (!file.ok()) return file.error();
  auto parsed = parse(file.value(), path.string());
  if (!parsed.ok()) return parsed.error();
  AnyWeights weights = std::move(parsed.value());
  std::visit([&](auto& w) { w.storage.push_back(file.value().owner); }, weights);
  if (precision == Precision::Int8) {
    if (auto* f = std::get_if<Weights<Fp32Matrix>>(&weights)) {
      auto group = int8_group_size(f->config, group_size, path.string());
      if (!group.ok()) return group.error();
      return AnyWeights{quantize_weights(*f, group.value())};
    }
    return weights;
  }
  if (auto* q = std::get_if<Weights<Int8Matrix>>(&weights)) return AnyWeights{dequantize_weights(*q)};
  return weights;
}

}  // namespace deploybench::engine
