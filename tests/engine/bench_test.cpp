#include "engine/bench.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

#include "engine/thread_pool.h"

using namespace deploybench::engine;

TEST_CASE("bench rows relate decode speed to the measured roofline") {
  BenchOptions o;
  o.presets = {"tiny"};
  o.precisions = {Precision::Int8};
  o.threads = {1};
  o.batches = {1, 2};
  o.prompt_tokens = 4;
  o.decode_steps = 2;
  o.repeats = 3;
  o.bandwidth_bytes = 4u << 20;
  int seen = 0;
  auto rows = run_bench(o, [&](const BenchRow&) { ++seen; });
  REQUIRE(rows.ok());
  REQUIRE(rows.value().size() == 2);
  CHECK(seen == 2);
  for (const auto& r : rows.value()) {
    CHECK(r.preset == "tiny");
    CHECK(r.prefill_tok_s > 0);
    CHECK(r.decode_tok_s > 0);
    CHECK(r.bandwidth_gb_s > 0);
    CHECK(r.cpu_share > 0);
    // int8 tiny: 15.2M weights at ~1.06 bytes each (values plus one fp32 scale per 32).
    CHECK(r.weight_bytes > 15'000'000u);
    CHECK(r.weight_bytes < 18'000'000u);
    // Keys and values, 2-byte (fp16) entries for int8 models, 6 layers, positions 0..5, kv_dim 288.
    CHECK(r.kv_bytes == static_cast<std::size_t>(r.batch) * 2 * 2 * 6 * (4 + 1 + 1) * 288);
    CHECK(r.roofline_tok_s == Approx(r.batch * r.bandwidth_gb_s * 1e9 / (r.weight_bytes + r.kv_bytes)));
    CHECK(r.roofline_fraction == Approx(r.decode_tok_s / r.roofline_tok_s));
    // tiny fits in the cache: probed before and after its 2 steps, not between them.
    CHECK(r.probe_every_steps == 2);
    // Every repetition has its own probes; the row is the median repetition against its own.
    REQUIRE(r.repeats.size() == 3);
    std::vector<double> rates;
    for (const auto& rep : r.repeats) {
      CHECK(rep.tok_s > 0);
      CHECK(rep.probe_passes == 2);
      CHECK(rep.bandwidth_low_gb_s > 0);
      CHECK(rep.bandwidth_low_gb_s <= rep.bandwidth_gb_s);
      CHECK(rep.bandwidth_gb_s <= rep.bandwidth_high_gb_s);
      rates.push_back(rep.tok_s);
    }
    std::sort(rates.begin(), rates.end());
    CHECK(r.decode_tok_s == rates[1]);
    CHECK(r.bandwidth_gb_s == r.repeats[median_repeat(r.repeats)].bandwidth_gb_s);
  }
}

TEST_CASE("a bench row is its median repetition, measured against that repetition's own probes") {
  // The fastest repetition ran while the host's bandwidth was high: it must not lend its probes
  // to the median one.
  const std::vector<DecodeRepeat> reps{{70, 34, 30, 40, 65}, {110, 52, 45, 60, 65}, {72, 33, 23, 36, 65}};
  CHECK(median_repeat(reps) == 2);
  CHECK(bandwidth_range(reps) == std::pair<double, double>{23, 60});
  CHECK(bandwidth_range({}) == std::pair<double, double>{0, 0});
  CHECK(median_repeat({{5, 1, 1, 1, 2}}) == 0);
  CHECK(median_repeat({{200, 1, 1, 1, 2}, {100, 1, 1, 1, 2}}) == 1);  // even count: the lower middle
  CHECK(median_repeat({{3, 1, 1, 1, 2}, {1, 1, 1, 1, 2}, {4, 1, 1, 1, 2}, {2, 1, 1, 1, 2}}) == 3);
}

TEST_CASE("a decode step that must come from DRAM is followed by a probe pass; one that fits in the cache is not") {
  constexpr std::size_t MiB = std::size_t{1} << 20;
  CHECK(probe_every(445 * MiB, 32 * MiB, 64) == 1);  // base fp32
  CHECK(probe_every(120 * MiB, 32 * MiB, 64) == 1);  // base int8
  CHECK(probe_every(16 * MiB, 32 * MiB, 64) == 64);  // tiny int8: in the L3
  CHECK(probe_every(62 * MiB, 32 * MiB, 64) == 1);   // tiny fp32: streams through the cache
  CHECK(probe_every(32 * MiB, 32 * MiB, 64) == 64);
  CHECK(probe_every(16 * MiB, 32 * MiB, 0) == 1);
  CHECK(last_level_cache_bytes() >= MiB);
}

TEST_CASE("the bandwidth probe reads windows of its buffer, wrapping around") {
  ThreadPool pool(2);
  BandwidthProbe probe(pool, 8u << 20);
  CHECK(probe.size() == 8u << 20);
  for (int i = 0; i < 5; ++i) CHECK(probe.read(3u << 20) > 0);  // 3 MiB windows of 8: wraps twice
  CHECK(probe.read(64u << 20) > 0);                             // more than the buffer: all of it
}

TEST_CASE("bench options are validated before anything runs") {
  BenchOptions o;
  o.presets = {"tiny", "giant"};
  auto r = run_bench(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("giant") != std::string::npos);
  o.presets = {"tiny"};
  o.prompt_tokens = 250;
  o.decode_steps = 10;  // 260 > tiny's 256 context
  CHECK_FALSE(o.validate().ok());
  o.prompt_tokens = 4;
  o.batches = {0};
  CHECK_FALSE(o.validate().ok());
}
