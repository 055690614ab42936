#include "runner/runner.h"

#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <thread>

#include "core/host.h"
#include "core/rng.h"
#include "result/result_sink.h"
#include "runner/resource_sampler.h"
#include "runner/sweep_tracker.h"

namespace deploybench::runner {
namespace {

void log_line(const RunnerOptions& o, const std::string& line) {
  if (o.log) o.log(line);
}

result::Manifest make_manifest(const scenario::RunPlan& plan, const std::string& run_id) {
  const HostInfo host = read_host_info();
  result::Manifest m;
  m.run_id = run_id;
  m.tool_version = version_number();  // the revision goes to git_revision, not twice into reports
  m.git_revision = git_revision();
  m.host_name = host.hostname;
  m.cpu_model = host.cpu_model;
  m.cores = host.cores;
  m.memory_bytes = host.memory_bytes;
  m.kernel = host.kernel;
  m.os = host.os;
  m.scenario_name = plan.name;
  m.scenario_file = plan.file.string();
  m.scenario_sha256 = plan.sha256;
  m.seed = plan.seed;
  m.started_at = utc_now_iso8601();
  return m;
}

result::TargetIdentity identity_of(const scenario::Cell& cell, const target::Target* t) {
  result::TargetIdentity id;
  id.name = cell.target.name;
  id.kind = std::string(target::kind_name(cell.target.kind));
  if (t != nullptr) id.details = t->describe().details;
  return id;
}

result::CellResult base_cell(const scenario::Cell& cell) {
  result::CellResult r;
  r.cell_id = cell.id;
  r.axes = cell.axes;
  r.repetition = cell.repetition;
  r.settings = cell.settings;
  r.started_at = utc_now_iso8601();
  return r;
}

/// One streamed request with no warmup, for the cold (first after deploy) and warm TTFT.
std::optional<double> single_request_ttft_ms(LoadDriver& load, const Endpoint& ep, const scenario::Cell& cell,
                                             const std::atomic<bool>& stop) {
  loadgen::LoadConfig one = cell.load;
  one.pattern = loadgen::ClosedLoop{1, Nanos{0}};
  one.warmup = Nanos{0};
  one.max_requests = 1;
  one.duration = std::chrono::seconds{30};
  auto r = load.run(ep, cell.workload, one, stop);
  if (!r.ok() || r->metrics.completed == 0) return std::nullopt;
  return to_millis(r->metrics.ttft.p50);
}

struct Deployment {
  std::unique_ptr<target::Target> target;
  Endpoint endpoint;
  result::Lifecycle lifecycle;
  std::string error;    // non-empty when deploy failed
  std::string stopped;  // non-empty once the target was found stopped: later cells are not run
};

/// Records in `d` (and returns true) when the deployed target is no longer running; `when` is
/// "before" or "during" `cell`.
bool target_stopped(Deployment& d, const scenario::Cell& cell, const char* when) {
  if (!d.stopped.empty()) return true;
  auto up = d.target->alive();
  if (up) return false;
  d.stopped = fmt::format("target '{}' stopped {} cell {}: {}", cell.target.name, when, cell.id, up.error().message);
  return true;
}

void fail_cell(result::CellResult& r, std::string error) {
  r.error = std::move(error);
  r.validity = {false, {r.error}};
}

Deployment deploy_group(const scenario::Cell& first, const RunnerOptions& options, const std::string& run_id,
                        const std::filesystem::path& run_dir, TargetFactory& targets, LoadDriver& load,
                        const std::atomic<bool>& stop) {
  Deployment d;
  auto made = targets.make(first.target);
  if (!made.ok()) {
    d.error = made.error().message;
    return d;
  }
  d.target = std::move(made).value();
  log_line(options, fmt::format("deploying {} ({})", first.target.name, d.target->kind()));
  auto ep = d.target->deploy(target::DeployContext{run_id, run_dir / "deploy" / first.deployment_key, &stop});
  if (!ep.ok()) {
    d.error = ep.error().message + (ep.error().hint.empty() ? "" : " (hint: " + ep.error().hint + ")");
    return d;
  }
  d.endpoint = ep.value();
  const auto lc = d.target->lifecycle();
  d.lifecycle.build_s = to_seconds(lc.build);
  d.lifecycle.deploy_to_ready_s = to_seconds(lc.deploy_to_ready);
  d.lifecycle.idle_rss_bytes = lc.idle_rss_bytes;
  log_line(options, fmt::format("{} ready in {:.2f} s at {}", first.target.name, d.lifecycle.deploy_to_ready_s,
                                d.endpoint.base_url));
  if (options.measure_cold_start && !stop) {
    d.lifecycle.cold_ttft_ms = single_request_ttft_ms(load, d.endpoint, first, stop);
    d.lifecycle.warm_ttft_ms = single_request_ttft_ms(load, d.endpoint, first, stop);
  }
  return d;
}

// The stop flag of one cell's load: set when the run is interrupted or when a poll finds the target
// stopped, so a dead target is not loaded for the rest of the window (tens of thousands of refused
// connections a second). The poll runs on its own thread until destruction; alive() is cheap
// (waitpid or kill 0), and nothing else calls it while the load runs.
class CellStop {
 public:
  CellStop(const std::atomic<bool>& run_stop, target::Target& target) {
    thread_ = std::thread([this, &run_stop, &target] {
      std::unique_lock lock(mu_);
      while (!cv_.wait_for(lock, std::chrono::milliseconds{50}, [this] { return done_; }))
        if (run_stop || !target.alive()) {
          stop_ = true;
          return;
        }
    });
  }
  ~CellStop() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  CellStop(const CellStop&) = delete;
  CellStop& operator=(const CellStop&) = delete;
  const std::atomic<bool>& flag() const { return stop_; }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

Result<LoadOutcome> drive_load(const scenario::Cell& cell, Deployment& d, LoadDriver& load,
                               const std::atomic<bool>& stop) {
  const CellStop cell_stop(stop, *d.target);
  return load.run(d.endpoint, cell.workload, cell.load, cell_stop.flag());
}

result::CellResult run_cell(const scenario::Cell& cell, Deployment& d, const RunnerOptions& options, LoadDriver& load,
                            const std::atomic<bool>& stop) {
  result::CellResult r = base_cell(cell);
  r.target = identity_of(cell, d.target.get());
  r.lifecycle = d.lifecycle;
  if (!d.error.empty()) {
    fail_cell(r, "deploy failed: " + d.error);
    return r;
  }
  if (target_stopped(d, cell, "before")) {
    fail_cell(r, d.stopped);
    return r;
  }
  ResourceSampler sampler([&d] { return d.target->sample_resources(); }, options.sample_interval);
  sampler.start();
  auto outcome = drive_load(cell, d, load, stop);
  const ResourceSummary res = sampler.stop(to_seconds(cell.load.warmup));  // target_cpu_s: the window's only
  if (!outcome.ok()) {
    fail_cell(r, target_stopped(d, cell, "during") ? d.stopped : outcome.error().message);
    return r;
  }
  r.metrics = outcome->metrics;
  r.validity = outcome->validity;
  r.error_examples = outcome->error_examples;
  r.error = outcome->failure;
  r.resources = res.series;
  if (res.samples >= 2) r.metrics.target_cpu_seconds = res.cpu_seconds;  // a difference of two samples
  if (res.samples >= 1) r.metrics.target_peak_rss_bytes = res.peak_rss_bytes;
  if (stop) r.validity = {false, {"interrupted before the measured window ended"}};
  if (target_stopped(d, cell, "during")) fail_cell(r, d.stopped);  // what it measured is kept
  return r;
}

}  // namespace

Result<RunOutcome> run_plan(const scenario::RunPlan& plan, const RunnerOptions& options, TargetFactory& targets,
                            LoadDriver& load, const std::atomic<bool>& stop) {
  const std::string run_id = options.run_id.empty() ? make_run_id() : options.run_id;
  RunOutcome out;
  out.run_dir = options.out_dir / run_id;
  result::ResultSink sink(out.run_dir, make_manifest(plan, run_id));

  std::size_t i = 0;
  while (i < plan.cells.size() && !stop) {
    std::size_t end = i + 1;
    while (end < plan.cells.size() && plan.cells[end].deployment_key == plan.cells[i].deployment_key) ++end;
    Deployment d = deploy_group(plan.cells[i], options, run_id, out.run_dir, targets, load, stop);
    SweepTracker sweeps([&options](const std::string& line) { log_line(options, line); });
    for (std::size_t c = i; c < end && !stop; ++c) {
      if (auto why = sweeps.skip_reason(plan.cells[c])) {
        log_line(options, fmt::format("[{}/{}] {}: skipped ({})", c + 1, plan.cells.size(), plan.cells[c].id, *why));
        continue;
      }
      const scenario::Cell cell = sweeps.resolve(plan.cells[c]);
      log_line(options, fmt::format("[{}/{}] {}", c + 1, plan.cells.size(), cell.id));
      result::CellResult r = run_cell(cell, d, options, load, stop);
      sweeps.record(cell, r);
      if (!r.error.empty()) ++out.failed_cells;
      if (auto s = sink.add(r); !s.ok()) {
        if (d.target) (void)d.target->teardown();
        return s.error();
      }
      if (options.on_cell) options.on_cell(r);
    }
    if (d.target) {
      if (auto s = d.target->teardown(); !s.ok())
        log_line(options,
                 fmt::format("warning: teardown of {} failed: {}", plan.cells[i].target.name, s.error().message));
    }
    i = end;
  }
  out.interrupted = stop.load();
  const std::string status = out.interrupted ? "interrupted" : (out.failed_cells > 0 ? "failed" : "complete");
  if (auto s = sink.finish(status, utc_now_iso8601()); !s.ok()) return s.error();
  out.results = sink.results();
  return out;
}

namespace {
std::string utc_format(std::time_t t, const char* format) {
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}
}  // namespace

std::string utc_now_iso8601() { return utc_format(std::time(nullptr), "%Y-%m-%dT%H:%M:%SZ"); }

std::string make_run_id() {
  const std::time_t t = std::time(nullptr);
  const std::string buf = utc_format(t, "%Y%m%d-%H%M%S");
  Rng rng(static_cast<std::uint64_t>(SteadyClock::now().time_since_epoch().count()) ^ static_cast<std::uint64_t>(t));
  return fmt::format("{}-{:04x}", buf, rng.next_u64() & 0xffff);
}

}  // namespace deploybench::runner
