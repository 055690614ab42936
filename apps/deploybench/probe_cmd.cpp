// deploybench probe: benchmark one endpoint without a scenario file.
//   deploybench probe --url http://127.0.0.1:8080 --concurrency 4 --duration 10s
//   deploybench probe --url http://127.0.0.1:8080 --rate 8/s --arrival poisson --json
//   deploybench probe --url http://127.0.0.1:8080/health --http-get --concurrency 64
#include <fmt/core.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "commands.h"
#include "core/units.h"
#include "exit_codes.h"
#include "loadgen/load_generator.h"
#include "loadgen/summary_json.h"
#include "loadgen/workload.h"
#include "openai/error_hint.h"
#include "runner/interrupt.h"
#include "terminal_progress.h"

namespace deploybench::cli {
namespace {

struct ProbeOptions {
  std::string url, model, api_key_env;
  int input_tokens = 32, max_tokens = 64;
  bool http_get = false, no_stream = false;
  int concurrency = 0;
  std::string rate, arrival = "poisson";
  double burstiness = 1.0;
  int max_in_flight = 256, connections = 0, threads = 0;
  std::string duration = "10s", warmup = "1s", timeout = "60s";
  bool duration_given = false;  // --requests without --duration stops by count alone
  std::uint64_t requests = 0, seed = 1;
  std::string records;
  bool json = false, quiet = false;
  std::string cacert;
  bool insecure = false;
};

Result<loadgen::LoadConfig> load_config(const ProbeOptions& o) {
  loadgen::LoadConfig l;
  auto parse = [](const std::string& text, const char* flag) -> Result<Nanos> {
    auto d = parse_duration(text);
    if (!d) return make_error(ErrorCode::InvalidArgument, fmt::format("{} {}: {}", flag, text, d.error().message));
    return d;
  };
  auto duration = parse(o.duration, "--duration");
  auto warmup = parse(o.warmup, "--warmup");
  auto timeout = parse(o.timeout, "--timeout");
  for (auto* r : {&duration, &warmup, &timeout})
    if (!*r) return r->error();
  l.duration = o.requests > 0 && !o.duration_given ? Nanos{0} : *duration;
  l.warmup = *warmup;
  l.request_timeout = *timeout;
  l.seed = o.seed;
  if (o.requests > 0) l.max_requests = o.requests;
  if (!o.rate.empty()) {
    auto rate = parse_rate(o.rate);
    if (!rate) return make_error(ErrorCode::InvalidArgument, "--rate " + o.rate + ": " + rate.error().message);
    loadgen::OpenLoop p;
    p.rate_per_s = *rate;
    p.arrival = o.arrival == "constant" ? loadgen::Arrival::Constant
                : o.arrival == "gamma"  ? loadgen::Arrival::Gamma
                                        : loadgen::Arrival::Poisson;
    p.burstiness = o.burstiness;
    p.max_in_flight = o.max_in_flight;
    p.connections = o.connections;
    l.pattern = p;
  } else {
    l.pattern = loadgen::ClosedLoop{o.concurrency > 0 ? o.concurrency : 1, Nanos{0}};
  }
  return l;
}

void print_row(const char* name, const stats::MetricSummary& s) {
  if (s.count == 0) return;
  fmt::print("  {:<13}{:>10}{:>10}{:>10}{:>10}{:>10}{:>10}{:>10}\n", name, format_duration(s.p50),
             format_duration(s.p90), format_duration(s.p99), format_duration(s.p999), format_duration(s.max),
             format_duration(s.mean), s.count);
}

/// "failed: gave up after 104 requests, all failed; the first: http_400: {...}", or "no request
/// completed; 3 errors: connect: Connection refused" (no table of empty percentiles).
std::string nothing_completed(const loadgen::LoadResult& r) {
  const auto& m = r.metrics;
  if (!r.failure.empty()) return "failed: " + r.failure;  // what failed first, warmup included
  if (m.errors == 0) return fmt::format("no request completed and none failed ({} sent)", m.requests);
  // The first kind with an example of what went wrong, else the first kind.
  std::string first = m.errors_by_kind.empty() ? "unknown" : m.errors_by_kind.begin()->first;
  for (const auto& [kind, n] : m.errors_by_kind) {
    const auto ex = r.error_examples.find(kind);
    if (ex == r.error_examples.end() || ex->second.empty()) continue;
    first = kind + ": " + ex->second;
    break;
  }
  return fmt::format("no request completed; {} error{}: {}", m.errors, m.errors == 1 ? "" : "s", first);
}

void print_text(const ProbeOptions& o, const loadgen::LoadResult& r) {
  const auto& m = r.metrics;
  fmt::print("deploybench probe {}{}\n", o.url, r.model.empty() ? "" : " (model " + r.model + ")");
  fmt::print("  {} requests, {} completed, {} errors in {:.2f}s: {:.1f} req/s", m.requests, m.completed, m.errors,
             m.duration_s, m.requests_per_s);
  if (m.output_tokens) fmt::print(", {:.1f} output tokens/s", m.output_tokens_per_s);
  if (m.completed == 0) {
    fmt::print("\n  {}\n", nothing_completed(r));
  } else {
    fmt::print("\n  {:<13}{:>10}{:>10}{:>10}{:>10}{:>10}{:>10}{:>10}\n", "", "p50", "p90", "p99", "p99.9", "max",
               "mean", "count");
  }
  print_row("TTFT", m.ttft);
  print_row("TPOT", m.tpot);
  print_row("ITL", m.itl);
  print_row("E2E", m.e2e);
  if (m.service_time) print_row("service time", *m.service_time);
  if (m.queue) print_row("server queue", *m.queue);
  if (m.prefill) print_row("server prefill", *m.prefill);
  if (m.decode) print_row("server decode", *m.decode);
  if (m.connect) print_row("connect", *m.connect);
  std::string hint;
  // With nothing completed and one kind of error, the line above already said it all.
  const bool breakdown = m.completed > 0 || m.errors_by_kind.size() > 1;
  for (const auto& [kind, n] : m.errors_by_kind) {
    const auto ex = r.error_examples.find(kind);
    const bool example = ex != r.error_examples.end() && !ex->second.empty();
    if (breakdown) fmt::print("  error {}: {}{}\n", kind, n, example ? " — " + ex->second : "");
    if (example && hint.empty()) hint = openai::context_length_hint(ex->second);
  }
  if (!hint.empty() && r.failure.empty()) fmt::print("  hint: {}\n", hint);  // the failure carries its own
  if (r.cold_ttft_ms) fmt::print("  first request (cold): {:.1f} ms\n", *r.cold_ttft_ms);
  fmt::print("  generator: {} thread(s), {:.2f} CPU-s, busiest thread {:.0f}% of a core, schedule lag p99 {}\n",
             r.generator.threads, r.generator.cpu_seconds, r.generator.max_thread_busy * 100,
             format_duration(r.generator.lag.p99));
  if (r.validity.valid) fmt::print("  valid\n");
  for (const auto& reason : r.validity.reasons)
    if (reason != r.failure) fmt::print("  INVALID: {}\n", reason);
}

int run_probe(const ProbeOptions& o) {
  auto load = load_config(o);
  if (!load) {
    fmt::print(stderr, "deploybench probe: {}\n", load.error().message);
    return code(ExitCode::Usage);
  }
  Endpoint endpoint;
  endpoint.base_url = o.url;
  endpoint.model = o.model;
  endpoint.verify_tls = !o.insecure;
  endpoint.ca_file = o.cacert;
  if (!o.api_key_env.empty()) {
    const char* key = std::getenv(o.api_key_env.c_str());
    if (!key) {
      fmt::print(stderr, "deploybench probe: --api-key-env {}: the variable is not set\n", o.api_key_env);
      return code(ExitCode::Usage);
    }
    endpoint.api_key = key;
  }
  loadgen::WorkloadConfig workload;
  workload.input_tokens = loadgen::FixedLength{o.input_tokens};
  workload.max_tokens = o.max_tokens;
  workload.stream = !o.no_stream;
  workload.seed = o.seed;
  loadgen::RunOptions run;
  run.http_get = o.http_get;
  run.threads = o.threads;
  run.records_jsonl = o.records;
  run.tls.ca_file = o.cacert;
  run.tls.insecure = o.insecure;
  TerminalProgress progress;
  if (!o.quiet && isatty(STDOUT_FILENO) && isatty(STDERR_FILENO)) run.progress = &progress;
  Result<loadgen::LoadResult> result = make_error(ErrorCode::Failed, "not run");
  {
    runner::InterruptGuard guard;  // Ctrl-C / SIGTERM stop the load; `run` uses the same guard
    run.cancel = &runner::InterruptGuard::flag();
    result = loadgen::run_load(endpoint, workload, *load, run);
  }
  if (!result) {
    fmt::print(stderr, "deploybench probe: {}\n", result.error().message);
    if (!result.error().hint.empty()) fmt::print(stderr, "  hint: {}\n", result.error().hint);
    return code(result.error().code == ErrorCode::InvalidArgument ? ExitCode::Usage : ExitCode::Failure);
  }
  if (o.json)
    fmt::print("{}\n", loadgen::summary_json(*result));
  else
    print_text(o, *result);
  if (result->interrupted) return code(ExitCode::Interrupted);
  return code(result->metrics.completed > 0 ? ExitCode::Ok : ExitCode::Failure);
}

}  // namespace

void setup_probe(CLI::App& app, int& exit_code) {
  auto* sub = app.add_subcommand("probe", "Benchmark one endpoint without a scenario file");
  auto o = std::make_shared<ProbeOptions>();
  sub->add_option("--url", o->url, "Base URL of an OpenAI-compatible server (or any URL with --http-get)")->required();
  sub->add_option("--model", o->model, "Model id (default: the first one /v1/models lists)");
  sub->add_option("--api-key-env", o->api_key_env, "Environment variable holding the API key (sent as Bearer)");
  sub->add_option("--input-tokens", o->input_tokens,
                  "Synthetic prompt length: this many common English words, ~1 token each in llama/GPT "
                  "tokenizers (a byte-level tokenizer such as refbot's presets counts ~4-5 per word)")
      ->check(CLI::Range(1, 1 << 20));
  sub->add_option("--max-tokens", o->max_tokens, "Output tokens per request (max_tokens = min_tokens)")
      ->check(CLI::Range(1, 1 << 20));
  sub->add_flag("--no-stream", o->no_stream, "Send non-streaming chat requests");
  sub->add_flag("--http-get", o->http_get, "Send plain GETs to --url (calibration against wrk)");
  auto* conc = sub->add_option("--concurrency", o->concurrency, "Closed loop: concurrent users (default 1)")
                   ->check(CLI::Range(1, 100000));
  auto* rate = sub->add_option("--rate", o->rate, "Open loop: request rate, e.g. 8/s");
  conc->excludes(rate);
  // The open-loop flags mean nothing in a closed loop: without --rate they are usage errors
  // ("--arrival requires --rate"), never silently ignored.
  sub->add_option("--arrival", o->arrival, "Open-loop arrivals (needs --rate)")
      ->check(CLI::IsMember({"constant", "poisson", "gamma"}))
      ->needs(rate);
  sub->add_option("--burstiness", o->burstiness, "Gamma shape (1 = Poisson, < 1 burstier; needs --rate)")->needs(rate);
  sub->add_option("--max-in-flight", o->max_in_flight,
                  "Open loop: cap on outstanding requests; beyond it drop (needs --rate)")
      ->needs(rate);
  sub->add_option("--connections", o->connections,
                  "Open loop: connections (0 = one per in-flight request; needs --rate)")
      ->needs(rate);
  auto* duration = sub->add_option("--duration", o->duration, "Measured window, e.g. 30s (default 10s)");
  sub->add_option("--warmup", o->warmup, "Warmup before the window, excluded from statistics");
  sub->add_option("--requests", o->requests, "Stop after this many measured requests");
  sub->add_option("--timeout", o->timeout, "Per-request timeout");
  sub->add_option("--threads", o->threads,
                  "Generator threads, at least 1 (default: one per two cores; with --http-get one per core)")
      ->check(CLI::Range(1, 1024));
  sub->add_option("--seed", o->seed, "Seed for the schedule and prompts");
  sub->add_option("--records", o->records, "Write one JSON line per request to this file");
  sub->add_option("--cacert", o->cacert, "HTTPS: trust the CA certificates in this PEM file (like curl --cacert)")
      ->check(CLI::ExistingFile);
  sub->add_flag("--insecure,-k", o->insecure, "HTTPS: do not verify the server's certificate or host name");
  sub->add_flag("--json", o->json, "Print the summary as one JSON object");
  sub->add_flag("--quiet", o->quiet, "No progress line");
  sub->callback([o, duration, &exit_code] {
    o->duration_given = duration->count() > 0;
    exit_code = run_probe(*o);
  });
}

}  // namespace deploybench::cli
