#pragma once
// State records: what a deployment started, written to a state directory as
// soon as it exists, so that `deploybench cleanup` (or the next run) can remove
// what a SIGKILLed harness left. One file per deployment:
// <state_dir>/<run_id>.<target>.state, "key=value" lines.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.h"

namespace deploybench::target {

struct StateRecord {
  std::string run_id;
  std::string target;  // the scenario's name for the target
  std::string kind;
  pid_t owner_pid = 0;            // the harness that deployed it
  std::uint64_t owner_start = 0;  // its start time in clock ticks (pid reuse guard)
  pid_t pid = 0;                  // refbot or qemu, 0 when none
  std::uint64_t pid_start = 0;
  std::string container_runtime;  // podman | docker, empty when none
  std::string container_id;
  std::vector<std::filesystem::path> cgroup_dirs;
  std::vector<std::filesystem::path> leftovers;  // files to delete with the record (qemu's QMP socket)
  std::filesystem::path file;                    // where the record is stored (not serialised)
};

/// $DEPLOYBENCH_STATE_DIR, else $XDG_RUNTIME_DIR/deploybench, else
/// /tmp/deploybench-state.
std::filesystem::path default_state_dir();

/// A record for the current process as owner.
StateRecord new_state_record(const std::string& run_id, const std::string& target, const std::string& kind);

std::string serialize_state(const StateRecord& record);
Result<StateRecord> parse_state(std::string_view text);

/// Writes (or rewrites) the record atomically into `state_dir`; sets
/// record.file.
Status save_state(const std::filesystem::path& state_dir, StateRecord& record);
/// Every readable record in `state_dir` (unreadable files are skipped).
std::vector<StateRecord> load_states(const std::filesystem::path& state_dir);
/// Deletes the record's file and the leftover files it lists.
void remove_state(const StateRecord& record);

/// True while the harness that wrote the record is still running.
bool owner_alive(const StateRecord& record);

}  // namespace deploybench::target
