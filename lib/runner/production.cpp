#include "runner/production.h"

namespace deploybench::runner {

loadgen::TlsOptions tls_of(const Endpoint& endpoint) { return {endpoint.ca_file, !endpoint.verify_tls}; }

Result<std::unique_ptr<target::Target>> RealTargetFactory::make(const target::TargetConfig& config) {
  return target::make_target(config, env_);
}

Result<LoadOutcome> RealLoadDriver::run(const Endpoint& endpoint, const loadgen::WorkloadConfig& workload,
                                        const loadgen::LoadConfig& load, const std::atomic<bool>& stop) {
  loadgen::RunOptions options;
  options.progress = progress_;
  options.cancel = &stop;
  options.tls = tls_of(endpoint);
  options.slo = slo_;
  auto r = loadgen::run_load(endpoint, workload, load, options);
  if (!r.ok()) return r.error();
  LoadOutcome out;
  out.metrics = r->metrics;
  out.validity = result::Validity{r->validity.valid, r->validity.reasons};
  out.error_examples = r->error_examples;
  out.failure = r->failure;
  out.metrics.generator_cpu_seconds = r->generator.cpu_seconds;
  if (r->generator.lag.count > 0) out.metrics.schedule_lag_p99_ms = to_millis(r->generator.lag.p99);
  return out;
}

}  // namespace deploybench::runner
