#pragma once
// The vm target's qemu -cpu setting, checked the same way by the scenario parser (which names the
// file and line, and links only the config headers) and by TargetConfig::validate.
#include <optional>
#include <regex>

#include "core/error.h"
#include "target/target_config.h"

namespace deploybench::target {

/// Why `vm.cpu` cannot be used (a malformed model, or "host" without accel: kvm); nullopt when it
/// can, or when it is empty (the default: "host" under KVM, "max" under TCG).
inline std::optional<Error> cpu_model_problem(const VmConfig& vm) {
  // A model name with optional ",+feature,-feature" flags; nothing a shell or qemu's option
  // parser would read as another option.
  static const std::regex kCpu("[A-Za-z0-9][A-Za-z0-9_.-]*(,[A-Za-z0-9_.+=-]+)*");
  if (vm.cpu.empty()) return std::nullopt;
  if (!std::regex_match(vm.cpu, kCpu)) {
    return make_error(ErrorCode::InvalidArgument, "'" + vm.cpu + "' is not a qemu CPU model",
                      "e.g. max, qemu64, Skylake-Server,+avx512f; qemu-system-x86_64 -cpu help lists them");
  }
  if ((vm.cpu == "host" || vm.cpu.rfind("host,", 0) == 0) && vm.accel != "kvm") {
    return make_error(ErrorCode::InvalidArgument, "cpu 'host' needs KVM, but accel is " + vm.accel,
                      "set accel: kvm, or use cpu: max under TCG");
  }
  return std::nullopt;
}

}  // namespace deploybench::target
