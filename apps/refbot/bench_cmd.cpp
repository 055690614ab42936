// `refbot bench`: engine throughput against the memory roofline measured in the same run.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "engine/bench.h"
#include "engine_factory.h"

namespace {

using deploybench::engine::BenchOptions;
using deploybench::engine::BenchRow;

nlohmann::json repeats_json(const BenchRow& r) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& rep : r.repeats)
    out.push_back({{"decode_tok_s", rep.tok_s},
                   {"bandwidth_gb_s", rep.bandwidth_gb_s},
                   {"bandwidth_low_gb_s", rep.bandwidth_low_gb_s},
                   {"bandwidth_high_gb_s", rep.bandwidth_high_gb_s},
                   {"probe_passes", rep.probe_passes}});
  return out;
}

nlohmann::json to_json(const BenchRow& r) {
  nlohmann::json row = {{"preset", r.preset},
                        {"precision", std::string(to_string(r.precision))},
                        {"isa", r.isa},
                        {"threads", r.threads},
                        {"batch", r.batch},
                        {"prefill_tok_s", r.prefill_tok_s},
                        {"decode_tok_s", r.decode_tok_s},
                        {"bandwidth_gb_s", r.bandwidth_gb_s},
                        {"weight_bytes", r.weight_bytes},
                        {"kv_bytes", r.kv_bytes},
                        {"roofline_tok_s", r.roofline_tok_s},
                        {"roofline_fraction", r.roofline_fraction},
                        {"cpu_share", r.cpu_share},
                        {"probe_every_steps", r.probe_every_steps},
                        {"repeats", repeats_json(r)}};
  if (!r.fetch.empty()) {
    row["fetch"] = r.fetch;
    row["fetch_switches"] = r.fetch_switches;
  }
  return row;
}

void print_header() {
  fmt::print("{:<6} {:<5} {:<11} {:>7} {:>5} {:>13} {:>12} {:>10} {:>10} {:>13} {:>8} {:>5}\n", "preset", "prec", "isa",
             "threads", "batch", "prefill tok/s", "decode tok/s", "bw GB/s", "MB/step", "roofline tok/s", "of roof",
             "cpu");
}

void print_row(const BenchRow& r) {
  fmt::print("{:<6} {:<5} {:<11} {:>7} {:>5} {:>13.1f} {:>12.1f} {:>10.1f} {:>10.1f} {:>13.1f} {:>7.1f}% {:>4.0f}%\n",
             r.preset, to_string(r.precision), r.isa, r.threads, r.batch, r.prefill_tok_s, r.decode_tok_s,
             r.bandwidth_gb_s, static_cast<double>(r.weight_bytes + r.kv_bytes) / 1e6, r.roofline_tok_s,
             100.0 * r.roofline_fraction, 100.0 * r.cpu_share);
  // This host's bandwidth moves between ~23 and ~60 GB/s from pass to pass: say so when it moved
  // during the row, and how the row was probed.
  if (const auto [low, high] = deploybench::engine::bandwidth_range(r.repeats); low > 0 && high > 1.2 * low)
    fmt::print(
        "  note: bandwidth moved between {:.1f} and {:.1f} GB/s during this row; {} (--json lists every "
        "repetition)\n",
        low, high,
        r.probe_every_steps == 1
            ? "its fraction compares the decode steps with probe passes interleaved with them, step by step"
            : "the model fits in the cache, so it was probed only around its steps and its fraction is less "
              "certain");
  if (!r.fetch.empty())
    fmt::print("  note: the fp32 kernels ended this row fetching weights {} ({} change(s) of way while decoding)\n",
               r.fetch == "ahead" ? "with software prefetch" : "by the hardware prefetchers alone", r.fetch_switches);
  std::fflush(stdout);
}

struct BenchArgs {
  std::vector<std::string> presets{"tiny", "base"};
  std::vector<std::string> precisions{"int8", "fp32"};
  BenchOptions options;
  int bandwidth_mib = 1024;
  bool json = false;
};

// Prints `error` (with its hint) and returns the exit code: 2 for usage errors, else 1.
int report(const deploybench::Error& error) {
  std::cerr << "refbot bench: " << error.message;
  if (!error.hint.empty()) std::cerr << " (" << error.hint << ")";
  std::cerr << "\n";
  return error.code == deploybench::ErrorCode::InvalidArgument ? 2 : 1;
}

int run_bench_cmd(BenchArgs& args) {
  args.options.presets = args.presets;
  args.options.precisions.clear();
  for (const auto& p : args.precisions) {
    auto precision = deploybench::engine::parse_precision(p);
    if (!precision.ok()) return report(precision.error());
    args.options.precisions.push_back(precision.value());
  }
  args.options.bandwidth_bytes = static_cast<std::size_t>(args.bandwidth_mib) << 20;
  if (auto valid = args.options.validate(); !valid.ok()) return report(valid.error());  // before the header
  if (!args.json) print_header();
  auto rows =
      deploybench::engine::run_bench(args.options, args.json ? std::function<void(const BenchRow&)>{} : print_row);
  if (!rows.ok()) return report(rows.error());
  if (args.json) {
    nlohmann::json doc = nlohmann::json::array();
    for (const auto& r : rows.value()) doc.push_back(to_json(r));
    std::cout << doc.dump(2) << "\n";
  }
  return 0;
}

}  // namespace

void setup_bench(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<BenchArgs>();
  auto* cmd = app.add_subcommand("bench", "Measure prefill/decode throughput against the memory roofline");
  cmd->add_option("--preset", args->presets, "Presets to run (tiny, small, base)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--precision", args->precisions, "Precisions (int8, fp32)")->delimiter(',')->capture_default_str();
  cmd->add_option("--threads", args->options.threads, "Thread counts")->delimiter(',')->capture_default_str();
  cmd->add_option("--batch", args->options.batches, "Decode batch sizes")->delimiter(',')->capture_default_str();
  cmd->add_option("--prompt", args->options.prompt_tokens, "Prompt tokens (prefill length)")->capture_default_str();
  cmd->add_option("--steps", args->options.decode_steps, "Decode steps per repetition")->capture_default_str();
  cmd->add_option("--repeats", args->options.repeats, "Repetitions (median reported)")->capture_default_str();
  cmd->add_option("--bandwidth-mib", args->bandwidth_mib, "Bandwidth probe buffer (MiB)")->capture_default_str();
  cmd->add_option("--seed", args->options.seed, "Synthetic weight seed")->capture_default_str();
  deploybench::refbot::add_isa_option(*cmd, args->options.isa);
  cmd->add_flag("--json", args->json, "Print one JSON document (array of rows)");
  cmd->callback([args, &exit_code] { exit_code = run_bench_cmd(*args); });
}
