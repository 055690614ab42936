// Sampling one token from a 32000-token vocabulary (the presets' and llama2's): greedy, with
// temperature over the whole distribution, and with top-p. It runs once per sequence and token,
// serially after each decode step.
#include <benchmark/benchmark.h>

#include <vector>

#include "core/rng.h"
#include "engine/sampler.h"

namespace {

using namespace deploybench::engine;

// Logits shaped like a model's: a few standard deviations of spread around zero.
std::vector<float> logits() {
  deploybench::Rng rng(11);
  std::vector<float> v(32000);
  for (float& x : v) x = static_cast<float>(rng.uniform() * 12.0 - 6.0);
  return v;
}

// Arg: 0 greedy, 1 temperature 0.8, 2 temperature 0.8 with top-p 0.9.
void BM_Sample(benchmark::State& state) {
  const auto v = logits();
  const int mode = static_cast<int>(state.range(0));
  Sampler sampler({mode == 0 ? 0.0f : 0.8f, mode == 2 ? 0.9f : 1.0f, 5});
  for (auto _ : state) benchmark::DoNotOptimize(sampler.sample(v));
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_Sample)->DenseRange(0, 2)->ArgName("mode");

}  // namespace
