#include "serve/model_engine.h"

#include "core/check.h"
#include "engine/model.h"
#include "engine/sampler.h"
#include "engine/tokenizer.h"

namespace deploybench::serve {
namespace {

class ModelSampler final : public TokenSampler {
 public:
  explicit ModelSampler(const SamplingOptions& o) : sampler_({o.temperature, o.top_p, o.seed}) {}
  int sample(std::span<const float> logits) override { return sampler_.sample(logits); }

 private:
  engine::Sampler sampler_;
};

class ModelEngine final : public Engine {
 public:
  ModelEngine(std::unique_ptr<engine::Model> model, std::unique_ptr<engine::Tokenizer> tokenizer, std::string id)
      : model_(std::move(model)), tokenizer_(std::move(tokenizer)) {
    info_.model_id = std::move(id);
    info_.description = model_->description();
    info_.synthetic = model_->synthetic();
    info_.max_sequences = model_->max_sequences();
    info_.context_length = model_->config().seq_len;
    info_.threads = model_->threads();
    info_.chunked_prefill = true;  // engine::Model::prefill continues from any start position
  }
  const EngineInfo& info() const override { return info_; }
  std::vector<int> encode(std::string_view text, bool bos) const override { return tokenizer_->encode(text, bos); }
  std::string decode_piece(int prev, int token) const override { return tokenizer_->decode(prev, token); }
  int eos() const override { return tokenizer_->eos(); }
  std::span<const float> prefill(int slot, std::span<const int> tokens, int start) override {
    return model_->prefill(slot, tokens, start);
  }
  std::span<const float> decode(std::span<const Step> steps) override {
    // Same layout as engine::Model::Step ({slot, token, pos}); copied to keep the seam's type
    // independent of the engine's headers.
    steps_.clear();
    for (const auto& s : steps) steps_.push_back({s.slot, s.token, s.pos});
    return model_->decode(steps_);
  }
  std::unique_ptr<TokenSampler> make_sampler(const SamplingOptions& options) const override {
    return std::make_unique<ModelSampler>(options);
  }

 private:
  std::unique_ptr<engine::Model> model_;
  std::unique_ptr<engine::Tokenizer> tokenizer_;
  EngineInfo info_;
  std::vector<engine::Model::Step> steps_;
};

}  // namespace

Result<std::unique_ptr<Engine>> load_model_engine(const engine::ModelOptions& options) {
  auto model = engine::load_model(options);
  if (!model) return model.error();
  auto tokenizer = engine::make_tokenizer(options, (*model)->config());
  if (!tokenizer) return tokenizer.error();
  const std::string id = options.checkpoint.empty() ? "refbot-" + options.preset : options.checkpoint.stem().string();
  return std::unique_ptr<Engine>(std::make_unique<ModelEngine>(std::move(*model), std::move(*tokenizer), id));
}

}  // namespace deploybench::serve
