#pragma once
// Shared setup of the target integration tests: a real process runner, a
// private state directory, and the locations of refbot and the stub server.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "target/environment.h"
#include "target/process.h"
#include "target/target.h"

namespace deploybench::target::testing {

/// Private temporary directory, removed with its contents at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "dbtarget-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::filesystem::path stub_server() { return DEPLOYBENCH_STUB_SERVER; }

/// The environment the harness itself would discover, with a private state
/// directory.
struct TestEnv {
  SystemProcessRunner processes;
  TempDir dir;
  Environment env;
  TestEnv() {
    env = discover_environment(processes);
    // The test binary does not sit next to refbot: use the build's unless the variables say otherwise.
    if (std::getenv("DEPLOYBENCH_REFBOT") == nullptr) env.refbot = DEPLOYBENCH_TEST_REFBOT;
    if (std::getenv("DEPLOYBENCH_REFBOT_STATIC") == nullptr) env.refbot_static = DEPLOYBENCH_TEST_REFBOT_STATIC;
    env.state_dir = dir.path() / "state";
    std::filesystem::create_directories(env.state_dir);
  }
};

/// Polls alive() until it reports the target stopped (its Error) or `within` passes (Ok).
inline Status wait_until_stopped(Target& target, Nanos within) {
  const auto until = SteadyClock::now() + within;
  Status up = target.alive();
  while (up && SteadyClock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
    up = target.alive();
  }
  return up;
}

}  // namespace deploybench::target::testing
