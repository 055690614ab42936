#include <catch2/catch.hpp>

#include "runner/resource_sampler.h"
#include "runner/sample_util.h"

using namespace deploybench;
using deploybench::testing::sample;

TEST_CASE("cumulative CPU samples become cores per interval", "[runner][resources]") {
  using S = target::ResourceSample;
  const std::vector<std::pair<double, S>> samples{
      {0.0, sample(1.0, 100)}, {0.5, sample(1.25, 300)}, {1.0, sample(2.25, 200)}};
  const auto s = runner::summarize_samples(samples);
  REQUIRE(s.series.size() == 2);
  CHECK(s.series[0].cpu_cores == Approx(0.5));
  CHECK(s.series[1].cpu_cores == Approx(2.0));
  CHECK(s.cpu_seconds == Approx(1.25));
  CHECK(s.peak_rss_bytes == 300);
  CHECK(s.samples == 3);
}

TEST_CASE("target CPU seconds leave out the warmup before the measured window", "[runner][resources]") {
  using S = target::ResourceSample;
  // 1 core during a 1 s warmup, then 0.5 core for the 2 s window: 1.0 CPU-s in the window, not 2.0.
  const std::vector<std::pair<double, S>> samples{{0.0, sample(0.0, 100)},
                                                  {0.5, sample(0.5, 100)},
                                                  {1.0, sample(1.0, 100)},
                                                  {2.0, sample(1.5, 100)},
                                                  {3.0, sample(2.0, 100)}};
  CHECK(runner::summarize_samples(samples, 1.0).cpu_seconds == Approx(1.0));
  CHECK(runner::summarize_samples(samples, 0.75).cpu_seconds == Approx(1.25));  // interpolated between samples
  CHECK(runner::summarize_samples(samples, 0.0).cpu_seconds == Approx(2.0));
  CHECK(runner::summarize_samples(samples, 5.0).cpu_seconds == Approx(0.0));  // past the last sample
  CHECK(runner::summarize_samples(samples, 1.0).series.size() == 4);          // the series keeps the warmup
}

TEST_CASE("the sampler samples on its thread and reports failures", "[runner][resources]") {
  std::atomic<int> calls{0};
  runner::ResourceSampler ok([&]() -> Result<target::ResourceSample> {
    const int n = ++calls;
    return sample(0.01 * n, 4096);
  }, std::chrono::milliseconds{1});
  ok.start();
  while (calls < 5) std::this_thread::yield();
  const auto s = ok.stop();
  CHECK(s.samples >= 5);
  CHECK(s.cpu_seconds > 0);
  CHECK(s.error.empty());

  runner::ResourceSampler bad(
      []() -> Result<target::ResourceSample> {
        return make_error(ErrorCode::Unavailable, "remote targets cannot be sampled");
      },
      std::chrono::milliseconds{1});
  bad.start();
  const auto b = bad.stop();
  CHECK(b.samples == 0);
  CHECK(b.error == "remote targets cannot be sampled");
}
