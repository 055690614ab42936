#include "loadgen/load_generator.h"

#include <curl/curl.h>
#include <fmt/core.h>

#include <algorithm>
#include <thread>

#include "loadgen/http_worker.h"
#include "loadgen/schedule.h"
#include "loadgen/workload.h"
#include "openai/error_hint.h"

namespace deploybench::loadgen {
namespace {

constexpr std::size_t kPromptPool = 1024;                    // distinct prepared requests, cycled
constexpr Nanos kStartLead = std::chrono::milliseconds{20};  // workers are ready before t0

// Releases curl's global state when run_load returns (curl counts init/cleanup pairs).
struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
};

Error invalid(const std::vector<Diagnostic>& diags) {
  std::string msg = "invalid load settings:";
  for (const auto& d : diags) msg += fmt::format("\n  {}: {}", d.path, d.message);
  return make_error(ErrorCode::InvalidArgument, msg, diags.front().hint);
}

RequestTemplate make_template(const Endpoint& endpoint, const WorkloadConfig& workload, const LoadConfig& load,
                              const RunOptions& options) {
  const bool http_get = options.http_get;
  RequestTemplate t;
  t.tls = options.tls;
  std::string base = endpoint.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  t.url = http_get ? endpoint.base_url : base + "/v1/chat/completions";
  t.post = !http_get;
  t.mode = http_get ? ResponseMode::Plain : workload.stream ? ResponseMode::ChatStream : ResponseMode::ChatJson;
  t.timeout = load.request_timeout;
  if (!http_get) {
    t.headers.push_back("Content-Type: application/json");
    t.headers.push_back("Expect:");  // no 100-continue round trip for bodies above 1 KiB
    if (workload.stream) t.headers.push_back("Accept: text/event-stream");
  }
  if (!endpoint.api_key.empty()) t.headers.push_back("Authorization: Bearer " + endpoint.api_key);
  for (const auto& [k, v] : endpoint.headers) t.headers.push_back(k + ": " + v);
  return t;
}

int units_of(const LoadPattern& p) {
  if (const auto* c = std::get_if<ClosedLoop>(&p)) return c->concurrency;
  const auto& o = std::get<OpenLoop>(p);
  return o.connections > 0 ? o.connections : o.max_in_flight;
}

// Default: one thread per two cores, leaving the other half to a model server on the same
// machine. Plain GETs (calibration against wrk) get one per core: their target answers in
// microseconds, one libcurl thread saturates near 60k requests/s (and is then flagged invalid),
// and wrk's own default is 2 threads.
int pick_threads(int requested, int units, bool http_get) {
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const int auto_threads = http_get ? hw : std::max(1, hw / 2);
  return std::clamp(requested > 0 ? requested : auto_threads, 1, std::max(1, units));
}

// Splits `total` into `parts` nearly equal shares.
int share(int total, int parts, int index) { return total / parts + (index < total % parts ? 1 : 0); }

struct Plan {
  std::vector<WorkerSpec> specs;
  bool stopped_by_count_possible = false;
  std::size_t measured_scheduled = 0;
};

Result<Plan> make_plan(const LoadConfig& load, const RequestTemplate& tmpl, const std::vector<PreparedRequest>& prompts,
                       const RunOptions& options) {
  Plan plan;
  const int threads = pick_threads(options.threads, units_of(load.pattern), options.http_get);
  for (int i = 0; i < threads; ++i) {
    WorkerSpec s;
    s.request = &tmpl;
    s.prompts = &prompts;
    s.warmup = load.warmup;
    s.max_requests = load.max_requests;
    s.keep_records = options.keep_records || !options.records_jsonl.empty();
    s.slo = options.slo;
    if (const auto* c = std::get_if<ClosedLoop>(&load.pattern)) {
      s.slots = share(c->concurrency, threads, i);
      s.think_time = c->think_time;
      if (load.duration.count() > 0) s.window_end = load.warmup + load.duration;
    } else {
      const auto& o = std::get<OpenLoop>(load.pattern);
      s.open_loop = true;
      s.max_in_flight = o.max_in_flight;
      s.slots = share(units_of(load.pattern), threads, i);
    }
    plan.specs.push_back(std::move(s));
  }
  if (const auto* o = std::get_if<OpenLoop>(&load.pattern)) {
    auto schedule = make_schedule(*o, load.warmup, load.duration, load.max_requests, load.seed);
    if (!schedule) return std::move(schedule).error();
    const auto& offsets = schedule->offsets;
    for (std::size_t i = 0; i < offsets.size(); ++i) {
      const auto prompt = static_cast<std::uint32_t>(i % std::max<std::size_t>(prompts.size(), 1));
      plan.specs[i % plan.specs.size()].schedule.push_back({offsets[i], prompt, i >= schedule->first_measured});
    }
    plan.measured_scheduled = offsets.size() - schedule->first_measured;
  }
  return plan;
}

void report_progress(ProgressSink& sink, const SharedRunState& shared, Nanos warmup, Progress& last) {
  Progress p;
  p.elapsed = SteadyClock::now() - shared.t0;
  p.warmup = p.elapsed < warmup;
  p.sent = shared.sent.load(std::memory_order_relaxed);
  p.completed = shared.completed.load(std::memory_order_relaxed);
  p.errors = shared.failed.load(std::memory_order_relaxed);
  p.dropped = shared.dropped.load(std::memory_order_relaxed);
  const double dt = to_seconds(p.elapsed - last.elapsed);
  p.rate_per_s = dt > 0 ? static_cast<double>(p.completed - last.completed) / dt : 0;
  sink.update(p);
  last = p;
}

// Runs the workers on their own threads; the calling thread reports progress and forwards cancel.
void drive(std::vector<std::unique_ptr<HttpWorker>>& workers, SharedRunState& shared, const LoadConfig& load,
           const RunOptions& options) {
  std::atomic<int> running{static_cast<int>(workers.size())};
  std::vector<std::thread> threads;
  for (auto& w : workers)
    threads.emplace_back([&w, &running] {
      w->run();
      running.fetch_sub(1);
    });
  Progress last;
  auto next_report = SteadyClock::now() + options.progress_interval;
  while (running.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
    if (options.cancel && options.cancel->load()) shared.stop.store(true);
    if (options.progress && SteadyClock::now() >= next_report) {
      report_progress(*options.progress, shared, load.warmup, last);
      next_report += options.progress_interval;
    }
  }
  for (auto& t : threads) t.join();
  if (options.progress) options.progress->finish();
}

// LoadResult::failure: what failed first (any worker's first failure; they are alike when all fail).
std::string failure_text(std::vector<std::unique_ptr<HttpWorker>>& workers, const SharedRunState& shared,
                         bool gave_up) {
  std::string first;
  for (auto& w : workers)
    if (first.empty()) first = w->result().first_error;
  std::string out = gave_up ? fmt::format("gave up after {} requests, all failed", shared.failed.load())
                            : fmt::format("none of the {} requests succeeded", shared.failed.load());
  if (!first.empty()) out += "; the first: " + first;
  if (const std::string hint = openai::context_length_hint(first); !hint.empty()) out += " (hint: " + hint + ")";
  return out;
}

GeneratorHealth health_of(std::vector<std::unique_ptr<HttpWorker>>& workers) {
  GeneratorHealth g;
  g.threads = static_cast<int>(workers.size());
  stats::LatencyHistogram lag;
  for (auto& w : workers) {
    const auto& r = w->result();
    g.cpu_seconds += r.window_cpu_s;
    if (r.window_wall_s > 0) g.max_thread_busy = std::max(g.max_thread_busy, r.window_cpu_s / r.window_wall_s);
    lag.merge(r.lag);
  }
  g.lag = stats::summarize(lag);
  return g;
}

std::optional<double> cold_ttft_ms(std::vector<std::unique_ptr<HttpWorker>>& workers) {
  const RequestRecord* first = nullptr;
  for (auto& w : workers) {
    const auto& f = w->result().first;
    if (f && (!first || f->sent < first->sent)) first = &*f;
  }
  if (!first || !first->ok()) return std::nullopt;
  return to_millis((first->first_token != kNever ? first->first_token : first->done) - first->sent);
}

Result<LoadResult> summarise(std::vector<std::unique_ptr<HttpWorker>>& workers, const SharedRunState& shared,
                             const LoadConfig& load, const RunOptions& options, const Plan& plan, LoadResult out) {
  const bool open = std::holds_alternative<OpenLoop>(load.pattern);
  MetricsAccumulator merged(open, options.slo);
  Nanos end = kNever;
  for (auto& w : workers) {
    auto& r = w->result();
    merged.merge(r.metrics);
    end = std::max(end, r.last_measured_done);
    for (auto& [k, v] : r.error_examples) out.error_examples.emplace(k, v);
    out.records.insert(out.records.end(), r.records.begin(), r.records.end());
  }
  const bool by_count = load.max_requests && (open ? plan.measured_scheduled >= *load.max_requests
                                                   : shared.tickets.load() >= *load.max_requests);
  if (load.duration.count() > 0 && !by_count && !shared.stop.load()) end = std::max(end, load.warmup + load.duration);
  const Nanos duration = end == kNever ? Nanos{0} : std::max(Nanos{0}, end - load.warmup);
  out.metrics = merged.finish(duration);
  out.generator = health_of(workers);
  out.metrics.generator_cpu_seconds = out.generator.cpu_seconds;
  if (out.generator.lag.count > 0) out.metrics.schedule_lag_p99_ms = to_millis(out.generator.lag.p99);
  out.cold_ttft_ms = cold_ttft_ms(workers);
  out.warmup_requests = shared.sent.load() + shared.dropped.load() - out.metrics.requests;
  out.validity = check_validity(out.metrics, out.generator, load, options.limits);
  if (out.interrupted) out.validity = {false, {"the run was interrupted before the measured window finished"}};
  if (!out.failure.empty()) out.validity = {false, {out.failure}};
  std::sort(out.records.begin(), out.records.end(),
            [](const RequestRecord& a, const RequestRecord& b) { return a.scheduled < b.scheduled; });
  if (!options.records_jsonl.empty())
    if (auto st = write_records_jsonl(options.records_jsonl, out.records, open); !st) return std::move(st).error();
  if (!options.keep_records) out.records.clear();
  return out;
}

}  // namespace

Result<LoadResult> run_load(const Endpoint& endpoint, const WorkloadConfig& workload, const LoadConfig& load,
                            const RunOptions& options) {
  if (auto d = load.validate(); !d.empty()) return invalid(d);
  if (!options.http_get)
    if (auto d = workload.validate(); !d.empty()) return invalid(d);
  CurlGlobal curl;
  LoadResult out;
  if (!options.http_get) {
    out.model = endpoint.model;
    if (out.model.empty()) {
      auto model = discover_model(endpoint, std::chrono::seconds{10}, options.tls);
      if (!model) return std::move(model).error();
      out.model = *model;
    }
  }
  std::vector<PreparedRequest> prompts;
  if (!options.http_get) {
    auto prepared = materialise(workload, out.model, kPromptPool);
    if (!prepared) return std::move(prepared).error();
    prompts = std::move(prepared).value();
  }
  const RequestTemplate tmpl = make_template(endpoint, workload, load, options);
  auto plan = make_plan(load, tmpl, prompts, options);
  if (!plan) return std::move(plan).error();

  SharedRunState shared;
  shared.give_up_after = options.give_up_after_failures;
  std::vector<std::unique_ptr<HttpWorker>> workers;
  for (auto& spec : plan->specs) {
    workers.push_back(std::make_unique<HttpWorker>(std::move(spec), shared));
    if (auto st = workers.back()->init(); !st) return std::move(st).error();
  }
  shared.t0 = SteadyClock::now() + kStartLead;
  drive(workers, shared, load, options);
  const bool gave_up = shared.gave_up.load();
  out.interrupted = shared.stop.load() && !gave_up;
  if (gave_up || (!out.interrupted && shared.completed.load() == 0 && shared.failed.load() > 0))
    out.failure = failure_text(workers, shared, gave_up);
  return summarise(workers, shared, load, options, *plan, std::move(out));
}

}  // namespace deploybench::loadgen
