// refbot overhead: generated tokens/s through the HTTP server next to the in-process decode
// rate of the same model and batch (issue 3's serving-overhead benchmark).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "core/units.h"
#include "engine/config.h"
#include "engine_factory.h"
#include "serve/overhead_bench.h"

namespace deploybench::refbot {
namespace {

struct OverheadFlags {
  std::string preset = "tiny";
  std::string model;
  std::string precision = "int8";
  std::string isa = "auto";
  int threads = 1;
  int batch = 1;
  int tokens = 128;
  std::string duration = "30s";
  int repetitions = 0;
  int warmup = 3;
  int client_pollers = -1;
  std::string client_spin_below = "0s";
  bool same_cpu = true;
  bool json = false;
  bool verbose = false;
};

nlohmann::json thread_json(const serve::ThreadStats& t) {
  return {{"cpu_ms", to_millis(t.cpu)},
          {"run_delay_ms", to_millis(t.run_delay)},
          {"voluntary_switches", t.voluntary},
          {"involuntary_switches", t.involuntary},
          {"migrations", t.migrations}};
}

void print_json(const serve::OverheadResult& r) {
  nlohmann::json pairs = nlohmann::json::array();
  for (const auto& p : r.pairs)
    pairs.push_back({{"inprocess_before_tok_s", p.inprocess_before},
                     {"inprocess_after_tok_s", p.inprocess_after},
                     {"inprocess_tok_s", p.inprocess_tok_s()},
                     {"http_tok_s", p.http_tok_s},
                     {"server_tok_s", p.server_tok_s},
                     {"engine_calls_tok_s", p.engine_tok_s},
                     {"overhead", p.overhead()},
                     {"inprocess_thread", thread_json(p.inprocess_thread)},
                     {"engine_thread", thread_json(p.engine_thread)}});
  nlohmann::json j = {{"model", r.description},
                      {"batch", r.batch},
                      {"tokens", r.tokens},
                      {"prompt_tokens", r.prompt_tokens},
                      {"warmup_pairs", r.warmup_pairs},
                      {"seconds", r.seconds},
                      {"inprocess_tok_s", r.inprocess_tok_s},
                      {"http_tok_s", r.http_tok_s},
                      {"server_tok_s", r.server_tok_s},
                      {"engine_calls_tok_s", r.engine_tok_s},
                      {"overhead", r.overhead},
                      {"overhead_q1", r.overhead_q1},
                      {"overhead_q3", r.overhead_q3},
                      {"overhead_ci95", {r.overhead_ci_low, r.overhead_ci_high}},
                      {"overhead_min", r.overhead_min},
                      {"overhead_max", r.overhead_max},
                      {"pairs", pairs}};
  fmt::print("{}\n", j.dump(2));
}

std::string thread_text(const serve::ThreadStats& t) {
  return fmt::format("cpu {:6.1f} ms, runnable {:5.2f} ms, switches {}/{}, moves {}", to_millis(t.cpu),
                     to_millis(t.run_delay), t.voluntary, t.involuntary, t.migrations);
}

void print_table(const serve::OverheadResult& r, bool verbose) {
  fmt::print("model: {}\nbatch {}, {} prompt tokens, {} generated tokens per sequence\n", r.description, r.batch,
             r.prompt_tokens, r.tokens);
  fmt::print("{} HTTP runs in {:.1f} s, each between two in-process runs ({} warm-up pair{} discarded)\n",
             r.pairs.size(), r.seconds, r.warmup_pairs, r.warmup_pairs == 1 ? "" : "s");
  if (verbose)
    for (const auto& p : r.pairs)
      fmt::print(
          "  in-process {:7.1f} | HTTP {:7.1f} (server clock {:7.1f}, engine calls {:7.1f}) | in-process {:7.1f} "
          "tok/s  overhead {:6.2f} %\n"
          "    in-process thread: {}\n    engine thread:     {}\n",
          p.inprocess_before, p.http_tok_s, p.server_tok_s, p.engine_tok_s, p.inprocess_after, 100.0 * p.overhead(),
          thread_text(p.inprocess_thread), thread_text(p.engine_thread));
  fmt::print("{:<32} {:>10.1f} tok/s\n", "in-process (prefill+decode)", r.inprocess_tok_s);
  fmt::print("{:<32} {:>10.1f} tok/s\n", "server's engine calls", r.engine_tok_s);
  fmt::print("{:<32} {:>10.1f} tok/s\n", "server clock (Server-Timing)", r.server_tok_s);
  fmt::print("{:<32} {:>10.1f} tok/s\n", "through HTTP (SSE, loopback)", r.http_tok_s);
  fmt::print("{:<32} {:>9.2f} %  (median of pairs; 95% CI {:.2f} .. {:.2f} %, quartiles {:.2f} .. {:.2f} %)\n",
             "serving overhead", 100.0 * r.overhead, 100.0 * r.overhead_ci_low, 100.0 * r.overhead_ci_high,
             100.0 * r.overhead_q1, 100.0 * r.overhead_q3);
}

int run_overhead(const OverheadFlags& f) {
  serve::OverheadOptions o;
  auto precision = engine::parse_precision(f.precision);
  if (!precision) {
    fmt::print(stderr, "refbot overhead: --precision: {}\n", precision.error().message);
    return 2;
  }
  auto duration = parse_duration(f.duration);
  if (!duration) {
    fmt::print(stderr, "refbot overhead: --duration: {}\n", duration.error().message);
    return 2;
  }
  o.model.preset = f.preset;
  o.model.checkpoint = f.model;
  o.model.precision = *precision;
  o.model.threads = f.threads;
  o.model.isa = f.isa;
  o.model.max_sequences = f.batch;
  o.tokens = f.tokens;
  o.duration = *duration;
  o.repetitions = f.repetitions;
  o.warmup = f.warmup;
  o.client_pollers = f.client_pollers;
  auto spin = parse_duration(f.client_spin_below);
  if (!spin) {
    fmt::print(stderr, "refbot overhead: --client-spin-below: {}\n", spin.error().message);
    return 2;
  }
  o.client_spin_below = *spin;
  o.same_cpu = f.same_cpu;
  auto r = serve::measure_serving_overhead(o);
  if (!r) {
    fmt::print(stderr, "refbot overhead: {}\n", r.error().message);
    return 1;
  }
  if (f.json)
    print_json(*r);
  else
    print_table(*r, f.verbose);
  return 0;
}

}  // namespace

void setup_overhead(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<OverheadFlags>();
  auto* sub = app.add_subcommand("overhead", "Measure serving overhead: tokens/s through HTTP vs in-process");
  sub->footer(
      "Runs alternate (in-process, HTTP, in-process, ...); each HTTP run is compared with the in-process runs\n"
      "on either side of it. Reports the median of those paired overheads with its 95% interval.");
  sub->add_option("--preset", f->preset, "Synthetic model: tiny, small or base")->capture_default_str();
  sub->add_option("--model", f->model, "llama2.c checkpoint instead of a preset");
  sub->add_option("--precision", f->precision, "fp32 or int8")->capture_default_str();
  sub->add_option("--threads", f->threads, "Compute threads")->capture_default_str();
  add_isa_option(*sub, f->isa);
  sub->add_option("--batch", f->batch, "Concurrent sequences (= --max-batch of the server)")->capture_default_str();
  sub->add_option("--tokens", f->tokens, "Generated tokens per sequence")->capture_default_str();
  sub->add_option("--duration", f->duration, "Measuring time after warm-up (HTTP runs continue until it is spent)")
      ->capture_default_str();
  sub->add_option("--repetitions", f->repetitions, "Exactly this many HTTP runs instead of --duration (0: off)")
      ->capture_default_str();
  sub->add_option("--warmup", f->warmup, "Pairs of runs discarded before measuring")->capture_default_str();
  sub->add_option("--client-pollers", f->client_pollers, "As refbot serve --client-pollers")->capture_default_str();
  sub->add_option("--client-spin-below", f->client_spin_below, "As refbot serve --client-spin-below")
      ->capture_default_str();
  // Two flags rather than "--same-cpu,!--no-same-cpu", whose help showed "{false}" beside "(default on)".
  auto* same = sub->add_flag("--same-cpu", f->same_cpu,
                             "Run the in-process side on the CPU the server's engine thread used (the default)");
  sub->add_flag_callback(
         "--no-same-cpu", [f] { f->same_cpu = false; }, "Let the scheduler place the in-process side")
      ->excludes(same);
  sub->add_flag("--json", f->json, "Print JSON instead of a table");
  sub->add_flag("--verbose", f->verbose, "Also print every HTTP run with its neighbours and thread counters");
  sub->callback([f, &exit_code] { exit_code = run_overhead(*f); });
}

}  // namespace deploybench::refbot
