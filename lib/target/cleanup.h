#pragma once
// Finds and removes what killed runs left: processes by state record (pid +
// start time), containers by label deploybench=1, cgroups under deploybench/.
// Deployments whose harness is still running are left alone unless `force` is
// set, so concurrent runs do not hurt each other.
#include <string>
#include <vector>

#include "target/environment.h"

namespace deploybench::target {

struct CleanupOptions {
  bool force = false;    // also remove deployments of harnesses that are still running
  bool dry_run = false;  // report what would be removed, remove nothing
};

struct CleanupReport {
  int processes_killed = 0;
  int containers_removed = 0;
  int cgroups_removed = 0;
  int records_removed = 0;
  int skipped_live = 0;              // owned by a running harness
  std::vector<std::string> actions;  // one line per removal, for the user
  std::vector<std::string> errors;   // what could not be removed, and why
  bool clean() const { return errors.empty(); }
};

/// Container runtimes the cleanup looks at (those installed).
std::vector<std::string> installed_container_runtimes();

CleanupReport cleanup_strays(const Environment& env, const CleanupOptions& options = {});

}  // namespace deploybench::target
