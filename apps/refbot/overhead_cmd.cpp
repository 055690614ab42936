// refbot overhead: generated tokens/s through the HTTP server next to the in-process decode
// rate of the same model and batch (issue 3's serving-overhead benchmark).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "commands.h"
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
  int repetitions = 15;
  int client_pollers = -1;
  bool same_cpu = true;
  bool json = false;
  bool verbose = false;
};

int run_overhead(const OverheadFlags& f) {
  serve::OverheadOptions o;
  auto precision = engine::parse_precision(f.precision);
  if (!precision) {
    fmt::print(stderr, "refbot overhead: --precision: {}\n", precision.error().message);
    return 2;
  }
  o.model.preset = f.preset;
  o.model.checkpoint = f.model;
  o.model.precision = *precision;
  o.model.threads = f.threads;
  o.model.isa = f.isa;
  o.model.max_sequences = f.batch;
  o.tokens = f.tokens;
  o.repetitions = f.repetitions;
  o.client_pollers = f.client_pollers;
  o.same_cpu = f.same_cpu;
  auto r = serve::measure_serving_overhead(o);
  if (!r) {
    fmt::print(stderr, "refbot overhead: {}\n", r.error().message);
    return 1;
  }
  if (f.json) {
    nlohmann::json pairs = nlohmann::json::array();
    for (const auto& p : r->pairs)
      pairs.push_back({{"inprocess_tok_s", p.inprocess_tok_s},
                       {"http_tok_s", p.http_tok_s},
                       {"server_tok_s", p.server_tok_s},
                       {"overhead", p.overhead()}});
    nlohmann::json j = {{"model", r->description},
                        {"batch", r->batch},
                        {"tokens", r->tokens},
                        {"prompt_tokens", r->prompt_tokens},
                        {"inprocess_tok_s", r->inprocess_tok_s},
                        {"http_tok_s", r->http_tok_s},
                        {"server_tok_s", r->server_tok_s},
                        {"overhead", r->overhead},
                        {"overhead_min", r->overhead_min},
                        {"overhead_max", r->overhead_max},
                        {"pairs", pairs}};
    fmt::print("{}\n", j.dump(2));
    return 0;
  }
  fmt::print("model: {}\nbatch {}, {} prompt tokens, {} generated tokens per sequence, medians of {} pairs of runs\n",
             r->description, r->batch, r->prompt_tokens, r->tokens, r->pairs.size());
  if (f.verbose)
    for (const auto& p : r->pairs)
      fmt::print("  pair: in-process {:7.1f}  server clock {:7.1f}  HTTP {:7.1f} tok/s  overhead {:6.2f} %\n",
                 p.inprocess_tok_s, p.server_tok_s, p.http_tok_s, 100.0 * p.overhead());
  fmt::print("{:<32} {:>10.1f} tok/s\n", "in-process (prefill+decode)", r->inprocess_tok_s);
  fmt::print("{:<32} {:>10.1f} tok/s\n", "server clock (Server-Timing)", r->server_tok_s);
  fmt::print("{:<32} {:>10.1f} tok/s\n", "through HTTP (SSE, loopback)", r->http_tok_s);
  fmt::print("{:<32} {:>9.2f} %  (median of pairs; range {:.2f} .. {:.2f} %)\n", "serving overhead",
             100.0 * r->overhead, 100.0 * r->overhead_min, 100.0 * r->overhead_max);
  return 0;
}

}  // namespace

void setup_overhead(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<OverheadFlags>();
  auto* sub = app.add_subcommand("overhead", "Measure serving overhead: tokens/s through HTTP vs in-process");
  sub->add_option("--preset", f->preset, "Synthetic model: tiny, small or base")->capture_default_str();
  sub->add_option("--model", f->model, "llama2.c checkpoint instead of a preset");
  sub->add_option("--precision", f->precision, "fp32 or int8")->capture_default_str();
  sub->add_option("--threads", f->threads, "Compute threads")->capture_default_str();
  add_isa_option(*sub, f->isa);
  sub->add_option("--batch", f->batch, "Concurrent sequences (= --max-batch of the server)")->capture_default_str();
  sub->add_option("--tokens", f->tokens, "Generated tokens per sequence")->capture_default_str();
  sub->add_option("--repetitions", f->repetitions, "Pairs of runs (one in-process, one through HTTP)")
      ->capture_default_str();
  sub->add_option("--client-pollers", f->client_pollers, "As refbot serve --client-pollers")->capture_default_str();
  sub->add_flag("--same-cpu,!--no-same-cpu", f->same_cpu,
                "Run the in-process side on the CPU the server's engine thread used (default on)");
  sub->add_flag("--json", f->json, "Print JSON instead of a table");
  sub->add_flag("--verbose", f->verbose, "Also print every pair of runs");
  sub->callback([f, &exit_code] { exit_code = run_overhead(*f); });
}

}  // namespace deploybench::refbot
