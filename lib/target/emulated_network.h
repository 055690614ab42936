#pragma once
// Network emulation in front of any target: deploys the inner target, then puts a DelayProxy
// between the harness and it, and hands out the proxy's endpoint.
#include <memory>

#include "target/delay_proxy.h"
#include "target/target.h"

namespace deploybench::target {

class EmulatedNetworkTarget final : public Target {
 public:
  EmulatedNetworkTarget(std::unique_ptr<Target> inner, NetworkEmulation network);
  ~EmulatedNetworkTarget() override;
  std::string_view kind() const noexcept override { return inner_->kind(); }
  Result<Endpoint> deploy(const DeployContext& ctx) override;
  TargetInfo describe() const override;
  Result<ResourceSample> sample_resources() override { return inner_->sample_resources(); }
  LifecycleMetrics lifecycle() const override { return inner_->lifecycle(); }
  Status alive() override { return inner_->alive(); }
  Status teardown() override;

 private:
  std::unique_ptr<Target> inner_;
  NetworkEmulation network_;
  std::unique_ptr<DelayProxy> proxy_;
  std::string upstream_;
};

}  // namespace deploybench::target
