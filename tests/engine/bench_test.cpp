#include "engine/bench.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <vector>

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
    // Every repetition has its own probes; the row is the median repetition against its own.
    REQUIRE(r.repeats.size() == 3);
    std::vector<double> rates;
    for (const auto& rep : r.repeats) {
      CHECK(rep.tok_s > 0);
      CHECK(rep.bandwidth_before_gb_s > 0);
      CHECK(rep.bandwidth_after_gb_s > 0);
      rates.push_back(rep.tok_s);
    }
    std::sort(rates.begin(), rates.end());
    CHECK(r.decode_tok_s == rates[1]);
    CHECK(r.bandwidth_gb_s == r.repeats[median_repeat(r.repeats)].bandwidth_gb_s());
  }
}

TEST_CASE("a bench row is its median repetition, measured against that repetition's own probes") {
  // The fastest repetition ran while the host's bandwidth was high: it must not lend its probes
  // to the median one.
  const std::vector<DecodeRepeat> reps{{70, 34, 35}, {110, 52, 55}, {72, 33, 36}};
  CHECK(median_repeat(reps) == 2);
  CHECK(reps[2].bandwidth_gb_s() == 36);  // the higher of its two probes
  CHECK(DecodeRepeat{1, 40, 30}.bandwidth_gb_s() == 40);
  CHECK(bandwidth_range(reps) == std::pair<double, double>{33, 55});
  CHECK(bandwidth_range({}) == std::pair<double, double>{0, 0});
  CHECK(median_repeat({{5, 1, 1}}) == 0);
  CHECK(median_repeat({{200, 1, 1}, {100, 1, 1}}) == 1);  // even count: the lower middle
  CHECK(median_repeat({{3, 1, 1}, {1, 1, 1}, {4, 1, 1}, {2, 1, 1}}) == 3);
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
