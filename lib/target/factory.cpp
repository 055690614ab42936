#include "target/container_target.h"
#include "target/emulated_network.h"
#include "target/local_target.h"
#include "target/remote_target.h"
#include "target/target.h"
#include "target/vm_target.h"

namespace deploybench::target {

Result<std::unique_ptr<Target>> make_target(const TargetConfig& config, const Environment& env) {
  if (auto diags = config.validate(); !diags.empty()) {
    std::string msg = "invalid target '" + config.name + "':";
    for (const auto& d : diags) msg += "\n  " + d.path + ": " + d.message;
    return make_error(ErrorCode::InvalidArgument, msg, diags.front().hint);
  }
  if (env.processes == nullptr) return make_error(ErrorCode::InvalidArgument, "Environment has no ProcessRunner");
  std::unique_ptr<Target> target;
  if (std::holds_alternative<LocalConfig>(config.kind)) {
    target = std::make_unique<LocalTarget>(config, env);
  } else if (std::holds_alternative<ContainerConfig>(config.kind)) {
    target = std::make_unique<ContainerTarget>(config, env);
  } else if (std::holds_alternative<VmConfig>(config.kind)) {
    target = std::make_unique<VmTarget>(config, env);
  } else {
    target = std::make_unique<RemoteTarget>(config);
  }
  if (config.network) target = std::make_unique<EmulatedNetworkTarget>(std::move(target), *config.network);
  return target;
}

}  // namespace deploybench::target
