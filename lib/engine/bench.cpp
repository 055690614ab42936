#include "engine/bench.h"

#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>

#include "engine/arena.h"
#include "engine/isa_choice.h"
#include "engine/model.h"
#include "engine/sampler.h"
#include "engine/thread_pool.h"

namespace deploybench::engine {
namespace {

using Clock = std::chrono::steady_clock;

// CPU time of the whole process (all threads), seconds.
double process_cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

std::vector<int> bench_prompt(int n, int vocab) {
  std::vector<int> tokens{1};
  for (int i = 1; i < n; ++i) tokens.push_back(3 + (i * 7919) % (vocab - 3));
  return tokens;
}

double time_prefill(Model& model, const BenchOptions& o) {
  const auto prompt = bench_prompt(o.prompt_tokens, model.config().vocab_size);
  model.prefill(0, prompt);  // warm-up: page in the KV cache and weights
  std::vector<double> rates;
  for (int r = 0; r < o.repeats; ++r) {
    const auto start = Clock::now();
    model.prefill(0, prompt);
    rates.push_back(o.prompt_tokens / seconds_since(start));
  }
  return median(rates);
}

struct DecodeTiming {
  std::vector<DecodeRepeat> repeats;
  // process CPU time / (wall time * threads) over the timed repetitions, steps and probe passes
  // (both run on the model's threads; per step, the kernel has not yet counted a running
  // thread's time)
  double cpu_share = 0;
};

// Greedy decode of `batch` sequences from position prompt_tokens; each timed repetition's steps
// interleaved with probe passes of `pass_bytes`, one before the first step and one after every
// `every` steps (and the last).
DecodeTiming time_decode(Model& model, const BenchOptions& o, int batch, BandwidthProbe& probe, int every,
                         std::size_t pass_bytes) {
  const auto prompt = bench_prompt(o.prompt_tokens, model.config().vocab_size);
  const int vocab = model.config().vocab_size;
  DecodeTiming out;
  double cpu = 0, wall = 0;
  for (int r = 0; r <= o.repeats; ++r) {  // repetition 0 warms up
    std::vector<Model::Step> steps;
    for (int s = 0; s < batch; ++s) {
      auto logits = model.prefill(s, prompt);
      steps.push_back({s, argmax(logits), o.prompt_tokens});
    }
    DecodeRepeat rep;
    double step_s = 0;
    const auto rep_start = Clock::now();
    const double cpu_start = process_cpu_seconds();
    double probe_s = 0;
    std::vector<double> passes;  // GB/s
    auto pass = [&] {
      const double s = probe.read(pass_bytes);
      probe_s += s;
      passes.push_back(static_cast<double>(pass_bytes) / s / 1e9);
    };
    pass();
    for (int i = 0; i < o.decode_steps; ++i) {
      const auto start = Clock::now();
      auto logits = model.decode(steps);
      for (int s = 0; s < batch; ++s) {
        steps[s].token = argmax(logits.subspan(static_cast<std::size_t>(s) * vocab, vocab));
        ++steps[s].pos;
      }
      step_s += seconds_since(start);
      if ((i + 1) % every == 0 || i + 1 == o.decode_steps) pass();
    }
    if (r == 0) continue;
    cpu += process_cpu_seconds() - cpu_start;
    wall += seconds_since(rep_start);
    rep.tok_s = static_cast<double>(batch) * o.decode_steps / step_s;
    // Like with like: the passes' bytes over their time, as the rate is the steps' bytes over theirs
    // (a median pass against the steps' aggregate scored some repetitions at 106-110%).
    rep.bandwidth_gb_s = static_cast<double>(pass_bytes) * static_cast<double>(passes.size()) / probe_s / 1e9;
    rep.bandwidth_low_gb_s = *std::min_element(passes.begin(), passes.end());
    rep.bandwidth_high_gb_s = *std::max_element(passes.begin(), passes.end());
    rep.probe_passes = static_cast<int>(passes.size());
    out.repeats.push_back(rep);
  }
  out.cpu_share = cpu / (wall * model.threads());
  return out;
}

}  // namespace

std::pair<double, double> bandwidth_range(const std::vector<DecodeRepeat>& repeats) {
  if (repeats.empty()) return {0, 0};
  double low = repeats[0].bandwidth_low_gb_s, high = repeats[0].bandwidth_high_gb_s;
  for (const auto& r : repeats) {
    low = std::min(low, r.bandwidth_low_gb_s);
    high = std::max(high, r.bandwidth_high_gb_s);
  }
  return {low, high};
}

int probe_every(std::size_t step_bytes, std::size_t cache_bytes, int steps) {
  return step_bytes > cache_bytes ? 1 : std::max(1, steps);
}

std::size_t last_level_cache_bytes() {
  // sysconf(_SC_LEVEL3_CACHE_SIZE) reads CPUID, which a hypervisor may fill oddly (320 MiB here,
  // where sysfs says 32 MiB).
  std::size_t best = 0;
  for (int index = 0; index < 8; ++index) {
    std::ifstream in(fmt::format("/sys/devices/system/cpu/cpu0/cache/index{}/size", index));
    std::size_t size = 0;
    std::string unit;
    if (!(in >> size)) continue;
    in >> unit;
    if (unit == "K") size <<= 10;
    if (unit == "M") size <<= 20;
    best = std::max(best, size);
  }
  return best ? best : std::size_t{32} << 20;
}

std::size_t median_repeat(const std::vector<DecodeRepeat>& repeats) {
  std::vector<std::size_t> order(repeats.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return repeats[a].tok_s < repeats[b].tok_s; });
  return order.at((order.size() - 1) / 2);
}

Status BenchOptions::validate() const {
  auto bad = [](std::string what) { return make_error(ErrorCode::InvalidArgument, std::move(what)); };
  if (presets.empty() || precisions.empty() || threads.empty() || batches.empty())
    return bad("bench needs at least one preset, precision, thread count and batch size");
  for (const auto& p : presets) {
    if (!preset_config(p))
      return make_error(ErrorCode::InvalidArgument, fmt::format("unknown preset '{}'", p),
                        fmt::format("use {}", preset_names()));
  }
  for (int t : threads) {
    if (t < 1 || t > 256) return bad(fmt::format("threads must be 1..256, got {}", t));
  }
  for (int b : batches) {
    if (b < 1 || b > 256) return bad(fmt::format("batch must be 1..256, got {}", b));
  }
  if (prompt_tokens < 1 || decode_steps < 1 || repeats < 1) return bad("prompt, steps and repeats must be >= 1");
  for (const auto& p : presets) {
    if (prompt_tokens + decode_steps > preset_config(p)->seq_len)
      return bad(fmt::format("prompt {} + steps {} exceed the {} context of {}", prompt_tokens, decode_steps,
                             preset_config(p)->seq_len, p));
  }
  if (bandwidth_bytes < (std::size_t{1} << 20)) return bad("the bandwidth buffer must be at least 1 MiB");
  if (auto chosen = choose_isa(isa); !chosen.ok()) return chosen.error();
  return Ok{};
}

struct BandwidthProbe::State {
  State(ThreadPool& threads, std::size_t bytes)
      : words(bytes / sizeof(std::uint64_t)),
        memory(allocate_huge(bytes)),  // like the weights (weights.cpp)
        buffer(static_cast<std::uint64_t*>(memory.get())),
        pool(threads),
        sums(static_cast<std::size_t>(tasks())) {}
  int tasks() const { return 16 * pool.size(); }
  std::size_t words;
  std::shared_ptr<void> memory;
  std::uint64_t* buffer;
  ThreadPool& pool;
  std::vector<std::uint64_t> sums;
  std::size_t at = 0;  // next window's first word
  std::uint64_t sink = 0;
};

BandwidthProbe::BandwidthProbe(ThreadPool& pool, std::size_t bytes) : state_(std::make_unique<State>(pool, bytes)) {
  State& s = *state_;
  const std::size_t per = (s.words + s.tasks() - 1) / s.tasks();
  s.pool.run(s.tasks(), [&](int t) {  // first touch by the threads that will read it
    for (std::size_t i = t * per; i < std::min(s.words, (t + 1) * per); ++i) s.buffer[i] = i;
  });
}

BandwidthProbe::~BandwidthProbe() = default;

std::size_t BandwidthProbe::size() const { return state_->words * sizeof(std::uint64_t); }

double BandwidthProbe::read(std::size_t bytes) {
  State& s = *state_;
  const std::size_t words = std::min(bytes / sizeof(std::uint64_t), s.words);
  if (s.at + words > s.words) s.at = 0;
  const std::uint64_t* window = s.buffer + s.at;
  s.at += words;
  const std::size_t per = (words / s.tasks() + 7) / 8 * 8;
  const auto start = Clock::now();
  s.pool.run(s.tasks(), [&](int t) {
    std::uint64_t a = 0, b = 0, c = 0, d = 0;
    const std::size_t end = std::min(words, (t + 1) * per);
    for (std::size_t i = t * per; i + 4 <= end; i += 4) {
      a += window[i];
      b += window[i + 1];
      c += window[i + 2];
      d += window[i + 3];
    }
    s.sums[t] = a + b + c + d;
  });
  const double elapsed = seconds_since(start);
  for (std::uint64_t sum : s.sums) s.sink += sum;  // consumed, so the reads cannot be optimized away
  return elapsed;
}

Result<std::vector<BenchRow>> run_bench(const BenchOptions& o, const std::function<void(const BenchRow&)>& on_row) {
  if (auto ok = o.validate(); !ok.ok()) return ok.error();
  const std::string isa(to_string(choose_isa(o.isa).value()));
  std::vector<BenchRow> rows;
  const int max_batch = *std::max_element(o.batches.begin(), o.batches.end());
  const std::size_t cache = last_level_cache_bytes();
  for (int threads : o.threads) {
    for (const auto& preset : o.presets) {
      for (Precision precision : o.precisions) {
        ModelOptions mo;
        mo.preset = preset;
        mo.precision = precision;
        mo.threads = threads;
        mo.max_sequences = max_batch;
        mo.seed = o.seed;
        mo.isa = o.isa;
        auto model = load_model(mo);
        if (!model.ok()) return model.error();
        Model& m = *model.value();
        BandwidthProbe probe(m.pool(), o.bandwidth_bytes);  // on the threads that decode
        const double prefill = time_prefill(m, o);
        for (int batch : o.batches) {
          BenchRow row{preset, precision, isa, threads, batch};
          row.prefill_tok_s = prefill;
          row.weight_bytes = m.decode_weight_bytes();
          row.kv_bytes = batch * m.kv_bytes_at(o.prompt_tokens + o.decode_steps / 2);
          // The row reports the median repetition against the probe passes interleaved with its
          // own steps (DecodeRepeat): passes of a step's bytes after every step when it reads
          // DRAM, of 256 MiB around the steps when the model fits in the cache.
          const std::size_t step_bytes = row.weight_bytes + row.kv_bytes;
          row.probe_every_steps = probe_every(step_bytes, cache, o.decode_steps);
          const std::size_t pass_bytes =
              std::min(probe.size(), row.probe_every_steps == 1 ? step_bytes : std::size_t{256} << 20);
          const int switches_before = m.fetch_choice().switches;
          DecodeTiming decode = time_decode(m, o, batch, probe, row.probe_every_steps, pass_bytes);
          row.fetch = m.fetch_choice().way;
          row.fetch_switches = m.fetch_choice().switches - switches_before;
          const DecodeRepeat& median_rep = decode.repeats[median_repeat(decode.repeats)];
          row.decode_tok_s = median_rep.tok_s;
          row.bandwidth_gb_s = median_rep.bandwidth_gb_s;
          row.cpu_share = decode.cpu_share;
          row.repeats = std::move(decode.repeats);
          row.roofline_tok_s = batch * row.bandwidth_gb_s * 1e9 / static_cast<double>(row.weight_bytes + row.kv_bytes);
          row.roofline_fraction = row.decode_tok_s / row.roofline_tok_s;
          if (on_row) on_row(row);
          rows.push_back(row);
        }
      }
    }
  }
  return rows;
}

}  // namespace deploybench::engine
