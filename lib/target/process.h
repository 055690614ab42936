#pragma once
// Child processes with argument vectors (never a shell string). Everything a
// target starts dies with the harness: children get PR_SET_PDEATHSIG(SIGKILL)
// before exec.
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/units.h"

namespace deploybench::target {

/// A command run to completion (podman CLI calls, build scripts).
struct CommandSpec {
  std::vector<std::string> argv;
  Nanos timeout{std::chrono::seconds{120}};
  std::vector<std::pair<std::string, std::string>> env;  // added to the inherited environment
};

struct CommandResult {
  int exit_code = 0;   // 128 + signal when killed
  std::string output;  // stdout and stderr interleaved, capped at 1 MiB
};

/// A long-lived child (refbot, qemu).
struct SpawnSpec {
  std::vector<std::string> argv;
  std::filesystem::path log_file;                   // stdout+stderr appended; empty = /dev/null
  std::vector<std::filesystem::path> cgroup_procs;  // cgroup.procs files the child joins before exec
  std::string cpuset;                               // "1", "0-1,3": sched_setaffinity before exec
};

/// The seam between targets and the OS. Threading: run() may be called from any
/// thread; spawn() should be called from a thread that lives as long as the
/// child (PDEATHSIG fires when the spawning *thread* exits), i.e. the runner's
/// main thread.
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  /// Runs to completion or until the timeout (then SIGKILL, exit_code 137 and
  /// an Error).
  virtual Result<CommandResult> run(const CommandSpec& spec) = 0;
  /// Starts a child and returns its pid; errors when exec fails (e.g. binary
  /// not found).
  virtual Result<pid_t> spawn(const SpawnSpec& spec) = 0;
  /// Exit status if the child has exited (and reaps it), nullopt while it runs.
  virtual std::optional<int> try_wait(pid_t pid) = 0;
  /// SIGTERM, up to `grace` for it to exit, then SIGKILL; always reaps.
  /// Idempotent.
  virtual void terminate(pid_t pid, Nanos grace) = 0;
};

/// The real thing: fork/exec with PDEATHSIG, pipes for run(), waitpid.
class SystemProcessRunner final : public ProcessRunner {
 public:
  Result<CommandResult> run(const CommandSpec& spec) override;
  Result<pid_t> spawn(const SpawnSpec& spec) override;
  std::optional<int> try_wait(pid_t pid) override;
  void terminate(pid_t pid, Nanos grace) override;
};

/// Searches PATH for an executable; nullopt when absent.
std::optional<std::filesystem::path> find_executable(const std::string& name);

}  // namespace deploybench::target
