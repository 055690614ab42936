#pragma once
// Any OpenAI-compatible endpoint, http or https. The API key comes from an environment variable
// named in the config and is never written anywhere (describe() names the variable, not the
// value). TLS verification is on unless the config turns it off. Nothing to start or stop;
// deploy() probes /v1/models until the endpoint answers. Resources cannot be sampled.
#include "target/http_probe.h"
#include "target/target.h"

namespace deploybench::target {

/// scheme://host[:port][/path] split into parts; port defaults to 80/443.
struct UrlParts {
  std::string scheme;  // "http" | "https"
  std::string host;
  int port = 0;
  std::string path;  // "" or "/prefix"
};
Result<UrlParts> parse_base_url(const std::string& url);

class RemoteTarget final : public Target {
 public:
  explicit RemoteTarget(TargetConfig config);
  std::string_view kind() const noexcept override { return "remote"; }
  Result<Endpoint> deploy(const DeployContext& ctx) override;
  TargetInfo describe() const override { return info_; }
  Result<ResourceSample> sample_resources() override;
  LifecycleMetrics lifecycle() const override { return lifecycle_; }
  Status teardown() override { return Ok{}; }

 private:
  /// Polls /v1/models until it answers 200 or 404; an Error naming the last reply otherwise.
  Status wait_for_answer(const HttpGet& probe, const std::atomic<bool>* cancel);

  TargetConfig config_;
  const RemoteConfig& remote_;
  TargetInfo info_;
  LifecycleMetrics lifecycle_;
};

}  // namespace deploybench::target
