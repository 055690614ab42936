#pragma once
// The runner's seams wired to the real libraries: target/ deploys, loadgen/ drives load.
#include <memory>
#include <optional>

#include "loadgen/load_generator.h"
#include "runner/runner.h"
#include "target/environment.h"
#include "target/process.h"

namespace deploybench::runner {

class RealTargetFactory final : public TargetFactory {
 public:
  explicit RealTargetFactory(const target::Environment& env) : env_(env) {}
  Result<std::unique_ptr<target::Target>> make(const target::TargetConfig& config) override;

 private:
  const target::Environment& env_;
};

/// The load generator's HTTPS settings for an endpoint (a remote target's verify_tls / ca_file).
loadgen::TlsOptions tls_of(const Endpoint& endpoint);

class RealLoadDriver final : public LoadDriver {
 public:
  /// `progress` (may be null) receives live updates; `slo` (goodput_slo_of the scenario's SLOs)
  /// makes every cell's goodput_per_s measured.
  explicit RealLoadDriver(loadgen::ProgressSink* progress = nullptr, std::optional<loadgen::GoodputSlo> slo = {})
      : progress_(progress), slo_(std::move(slo)) {}
  Result<LoadOutcome> run(const Endpoint& endpoint, const loadgen::WorkloadConfig& workload,
                          const loadgen::LoadConfig& load, const std::atomic<bool>& stop) override;

 private:
  loadgen::ProgressSink* progress_;
  std::optional<loadgen::GoodputSlo> slo_;
};

}  // namespace deploybench::runner
