#include "target/environment.h"

#include <unistd.h>

#include <cstdlib>

#include "target/cpuset.h"
#include "target/state.h"

#ifndef DEPLOYBENCH_PROJECT_SOURCE_DIR
#define DEPLOYBENCH_PROJECT_SOURCE_DIR ""
#endif

namespace deploybench::target {
namespace fs = std::filesystem;
namespace {

fs::path self_dir() {
  std::error_code ec;
  const auto exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path{} : exe.parent_path();
}

fs::path locate(const char* env_var, const std::string& name) {
  if (const char* v = std::getenv(env_var); v && *v) return v;
  const auto dir = self_dir();
  std::error_code ec;
  for (const auto& candidate : {dir / ".." / "refbot" / name, dir / name, dir / ".." / "apps" / "refbot" / name}) {
    if (fs::exists(candidate, ec)) return fs::weakly_canonical(candidate, ec);
  }
  return (dir / ".." / "refbot" / name).lexically_normal();  // the build-tree location, for "not found" errors
}

}  // namespace

Environment discover_environment(ProcessRunner& processes) {
  Environment env;
  env.refbot = locate("DEPLOYBENCH_REFBOT", "refbot");
  env.refbot_static = locate("DEPLOYBENCH_REFBOT_STATIC", "refbot-static");
  if (const char* p = std::getenv("DEPLOYBENCH_PROJECT_DIR"); p && *p) {
    env.project_dir = p;
  } else {
    env.project_dir = DEPLOYBENCH_PROJECT_SOURCE_DIR;
  }
  if (const char* v = std::getenv("DEPLOYBENCH_VM_DIR"); v && *v) env.vm_dir = v;
  env.state_dir = default_state_dir();
  env.processes = &processes;
  env.cgroups = read_cgroup_mounts();
  env.cpus = available_cpus();
  return env;
}

}  // namespace deploybench::target
