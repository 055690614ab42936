#pragma once
// Small helpers shared by the target kinds.
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "target/proc_stats.h"
#include "target/process.h"
#include "target/target.h"

namespace deploybench::target {

/// A free TCP port on 127.0.0.1 (bound, read back and released; the caller
/// binds it next).
Result<int> pick_free_port();

/// The last `max_lines` lines of a log file, for error messages; empty when
/// unreadable.
std::string tail_file(const std::filesystem::path& path, std::size_t max_lines = 15);

/// Replaces every "{port}" in each argument.
std::vector<std::string> substitute_port(const std::vector<std::string>& args, int port);

/// refbot's serve arguments (without the program name) for a model on
/// host:port.
std::vector<std::string> refbot_serve_args(const ModelSpec& model, const std::string& host, int port);

/// run_id + "-" + target name, reduced to [a-z0-9_.-] and at most 48 characters
/// (container, cgroup and socket names).
std::string deployment_name(const std::string& run_id, const std::string& target);

/// The deployment's scratch directory: ctx.work_dir, else
/// <state_dir>/<deployment name>; created.
Result<std::filesystem::path> prepare_work_dir(const DeployContext& ctx, const Environment& env,
                                               const std::string& target);

/// "cpus=1.5 memory=512.0 MiB cpuset=1", or "none".
std::string describe_limits(const ResourceLimits& limits);

/// Cache key of a built artifact (image tag, initramfs name): the first 12 hex of the binary's
/// sha256 and the first 8 of the build script's, so that changing either rebuilds it.
std::string artifact_key(const std::string& binary_sha256, const std::filesystem::path& build_script);

/// The static refbot's sha256 (for artifact keys and describe()); NotFound with a hint when absent.
Result<std::string> static_refbot_sha256(const Environment& env);

/// Runs one of the project's build scripts (argv[0]) and returns how long it took; a failure
/// carries the script's output.
Result<Nanos> run_build_script(const Environment& env, std::vector<std::string> argv,
                               std::vector<std::pair<std::string, std::string>> extra_env = {});

/// A sample from process or cgroup usage, timed from `ready_at`.
ResourceSample to_sample(const ProcUsage& usage, TimePoint ready_at);

/// Appends the log's tail to an error message.
Error with_log(Error error, const std::filesystem::path& log);

/// The exit status of a spawned child once it has exited (then also in `exit_code`), nullopt
/// while it runs. Reaping zeroes `pid` under `mu`: a reaped pid may be reused, so nothing may
/// sample or signal it any more (and try_wait(0) would wait for any child).
std::optional<int> reap_if_exited(ProcessRunner& processes, std::mutex& mu, pid_t& pid, std::optional<int>& exit_code);

}  // namespace deploybench::target
