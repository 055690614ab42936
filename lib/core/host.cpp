#include "core/host.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "core/version_info.h"

namespace deploybench {
namespace {
std::string value_after_colon(const std::string& line) {
  auto pos = line.find(':');
  if (pos == std::string::npos) return {};
  auto v = line.substr(pos + 1);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.erase(0, 1);
  return v;
}
}  // namespace

HostInfo read_host_info() {
  HostInfo info;
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) == 0) info.hostname = name;
  std::ifstream cpu("/proc/cpuinfo");
  for (std::string line; std::getline(cpu, line);) {
    if (line.rfind("model name", 0) == 0) {
      info.cpu_model = value_after_colon(line);
      break;
    }
  }
  info.cores = static_cast<int>(std::thread::hardware_concurrency());
  std::ifstream mem("/proc/meminfo");
  for (std::string line; std::getline(mem, line);) {
    if (line.rfind("MemTotal:", 0) == 0) {
      info.memory_bytes = std::stoull(value_after_colon(line)) * 1024;
      break;
    }
  }
  struct utsname u {};
  if (::uname(&u) == 0) info.kernel = u.release;
  std::ifstream os("/etc/os-release");
  for (std::string line; std::getline(os, line);) {
    if (line.rfind("PRETTY_NAME=", 0) == 0) {
      info.os = line.substr(12);
      if (info.os.size() >= 2 && info.os.front() == '"') info.os = info.os.substr(1, info.os.size() - 2);
    }
  }
  return info;
}

std::string git_revision() { return DEPLOYBENCH_GIT_REVISION; }
std::string version_number() { return DEPLOYBENCH_VERSION; }
std::string version_string() { return version_number() + " (git " + DEPLOYBENCH_GIT_REVISION + ")"; }

}  // namespace deploybench
