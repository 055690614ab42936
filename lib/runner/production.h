#pragma once
// The runner's seams wired to the real libraries: target/ deploys, loadgen/ drives load.
#include <memory>

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
  /// `progress` (may be null) receives live updates; `limits` are the validity checks.
  explicit RealLoadDriver(loadgen::ProgressSink* progress = nullptr) : progress_(progress) {}
  Result<LoadOutcome> run(const Endpoint& endpoint, const loadgen::WorkloadConfig& workload,
                          const loadgen::LoadConfig& load, const std::atomic<bool>& stop) override;

 private:
  loadgen::ProgressSink* progress_;
};

}  // namespace deploybench::runner
