#include "engine/bench.h"

#include <fmt/format.h>
#include <time.h>

#include <algorithm>
#include <chrono>
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
  double cpu_share = 0;  // process CPU time / (wall time * threads) over the timed repeats
};

// Greedy decode of `batch` sequences from position prompt_tokens, each timed repetition between
// two bandwidth probes.
DecodeTiming time_decode(Model& model, const BenchOptions& o, int batch, BandwidthProbe& probe) {
  const auto prompt = bench_prompt(o.prompt_tokens, model.config().vocab_size);
  const int vocab = model.config().vocab_size;
  DecodeTiming out;
  double cpu = 0, wall = 0;
  for (int r = 0; r <= o.repeats; ++r) {  // repetition 0 warms up
    // Probed before the (untimed) prefill, not between it and the decode: the probe's pool
    // threads spin for a while after it (thread_pool.cpp) and would take cores from the decode.
    const double before = r > 0 ? probe.measure() : 0;
    std::vector<Model::Step> steps;
    for (int s = 0; s < batch; ++s) {
      auto logits = model.prefill(s, prompt);
      steps.push_back({s, argmax(logits), o.prompt_tokens});
    }
    const auto start = Clock::now();
    const double cpu_start = process_cpu_seconds();
    for (int i = 0; i < o.decode_steps; ++i) {
      auto logits = model.decode(steps);
      for (int s = 0; s < batch; ++s) {
        steps[s].token = argmax(logits.subspan(static_cast<std::size_t>(s) * vocab, vocab));
        ++steps[s].pos;
      }
    }
    const double elapsed = seconds_since(start);
    if (r == 0) continue;
    cpu += process_cpu_seconds() - cpu_start;
    wall += elapsed;
    out.repeats.push_back({static_cast<double>(batch) * o.decode_steps / elapsed, before, probe.measure()});
  }
  out.cpu_share = cpu / (wall * model.threads());
  return out;
}

}  // namespace

std::pair<double, double> bandwidth_range(const std::vector<DecodeRepeat>& repeats) {
  if (repeats.empty()) return {0, 0};
  double low = repeats[0].bandwidth_before_gb_s, high = low;
  for (const auto& r : repeats) {
    low = std::min({low, r.bandwidth_before_gb_s, r.bandwidth_after_gb_s});
    high = std::max({high, r.bandwidth_before_gb_s, r.bandwidth_after_gb_s});
  }
  return {low, high};
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
  State(int threads, std::size_t bytes)
      : words(bytes / sizeof(std::uint64_t)),
        memory(allocate_huge(bytes)),  // like the weights (weights.cpp)
        buffer(static_cast<std::uint64_t*>(memory.get())),
        pool(threads),
        sums(threads) {}
  std::size_t words;
  std::shared_ptr<void> memory;
  std::uint64_t* buffer;
  ThreadPool pool;
  std::vector<std::uint64_t> sums;
  std::size_t per_thread() const { return (words / pool.size() + 7) / 8 * 8; }
};

BandwidthProbe::BandwidthProbe(int threads, std::size_t bytes) : state_(std::make_unique<State>(threads, bytes)) {
  State& s = *state_;
  const std::size_t per = s.per_thread();
  s.pool.run(s.pool.size(), [&](int t) {  // first touch by the thread that will read it
    for (std::size_t i = t * per; i < std::min(s.words, (t + 1) * per); ++i) s.buffer[i] = i;
  });
}

BandwidthProbe::~BandwidthProbe() = default;

double BandwidthProbe::measure(int passes) {
  State& s = *state_;
  const std::size_t per = s.per_thread();
  double best = 0;
  for (int pass = 0; pass < passes; ++pass) {
    const auto start = Clock::now();
    s.pool.run(s.pool.size(), [&](int t) {
      std::uint64_t a = 0, b = 0, c = 0, d = 0;
      const std::size_t end = std::min(s.words, (t + 1) * per);
      for (std::size_t i = t * per; i + 4 <= end; i += 4) {
        a += s.buffer[i];
        b += s.buffer[i + 1];
        c += s.buffer[i + 2];
        d += s.buffer[i + 3];
      }
      s.sums[t] = a + b + c + d;  // consumed below so the reads cannot be optimized away
    });
    const double elapsed = seconds_since(start);
    if (s.sums[0] != 0) best = std::max(best, static_cast<double>(s.words * sizeof(std::uint64_t)) / elapsed / 1e9);
  }
  return best;
}

Result<std::vector<BenchRow>> run_bench(const BenchOptions& o, const std::function<void(const BenchRow&)>& on_row) {
  if (auto ok = o.validate(); !ok.ok()) return ok.error();
  const std::string isa(to_string(choose_isa(o.isa).value()));
  std::vector<BenchRow> rows;
  const int max_batch = *std::max_element(o.batches.begin(), o.batches.end());
  for (int threads : o.threads) {
    BandwidthProbe probe(threads, o.bandwidth_bytes);
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
        const double prefill = time_prefill(m, o);
        for (int batch : o.batches) {
          BenchRow row{preset, precision, isa, threads, batch};
          row.prefill_tok_s = prefill;
          // Each repetition sits between two probes; the row reports the median repetition
          // against the higher of its own two probes: a dip in one probe cannot inflate its
          // fraction, and a bandwidth phase seconds away (this host drifts between ~30 and ~60
          // GB/s) cannot deflate it.
          DecodeTiming decode = time_decode(m, o, batch, probe);
          const DecodeRepeat& median_rep = decode.repeats[median_repeat(decode.repeats)];
          row.decode_tok_s = median_rep.tok_s;
          row.bandwidth_gb_s = median_rep.bandwidth_gb_s();
          row.cpu_share = decode.cpu_share;
          row.repeats = std::move(decode.repeats);
          row.weight_bytes = m.decode_weight_bytes();
          row.kv_bytes = batch * m.kv_bytes_at(o.prompt_tokens + o.decode_steps / 2);
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
