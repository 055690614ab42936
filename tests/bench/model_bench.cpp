// Whole-model microbenchmarks on the tiny preset: one decode step and a 64-token prefill.
#include <benchmark/benchmark.h>

#include "engine/model.h"

namespace {

using namespace deploybench::engine;

// One tiny model per precision, built on first use: weight generation dominates a smoke run.
Model& tiny(Precision precision) {
  static std::unique_ptr<Model> models[2];
  auto& m = models[precision == Precision::Int8 ? 1 : 0];
  if (!m) {
    ModelOptions o;
    o.preset = "tiny";
    o.precision = precision;
    o.threads = 1;
    o.max_sequences = 8;
    m = std::move(load_model(o).value());
  }
  return *m;
}

// Args: precision (0 fp32, 1 int8), batch. Decodes positions 64..127 then starts over.
void BM_TinyDecode(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(1));
  Model* model = &tiny(static_cast<Precision>(state.range(0)));
  std::vector<int> prompt(64, 5);
  std::vector<Model::Step> steps;
  for (int s = 0; s < batch; ++s) {
    model->prefill(s, prompt);
    steps.push_back({s, 7, 64});
  }
  for (auto _ : state) {
    auto logits = model->decode(steps);
    benchmark::DoNotOptimize(logits.data());
    for (auto& step : steps) step.pos = step.pos == 127 ? 64 : step.pos + 1;
  }
  state.SetItemsProcessed(state.iterations() * batch);
}

void BM_TinyPrefill64(benchmark::State& state) {
  Model* model = &tiny(static_cast<Precision>(state.range(0)));
  std::vector<int> prompt(64, 5);
  for (auto _ : state) {
    auto logits = model->prefill(0, prompt);
    benchmark::DoNotOptimize(logits.data());
  }
  state.SetItemsProcessed(state.iterations() * 64);
}

BENCHMARK(BM_TinyDecode)->Args({1, 1})->Args({1, 8})->Args({0, 1})->ArgNames({"int8", "batch"});
BENCHMARK(BM_TinyPrefill64)->Arg(1)->Arg(0)->ArgName("int8");

}  // namespace
