#pragma once
// Facts about the machine, recorded in every report (how the numbers were produced).
#include <cstdint>
#include <string>

namespace deploybench {

struct HostInfo {
  std::string hostname;
  std::string cpu_model;  // from /proc/cpuinfo "model name"
  int cores = 0;          // online logical CPUs
  std::uint64_t memory_bytes = 0;
  std::string kernel;  // uname -r
  std::string os;      // PRETTY_NAME from /etc/os-release
};

HostInfo read_host_info();

/// Version string: "0.1.0 (git abc123def456)".
std::string version_string();
/// The version alone: "0.1.0" (results.json's tool_version; git_revision() is kept apart).
std::string version_number();
std::string git_revision();

}  // namespace deploybench
