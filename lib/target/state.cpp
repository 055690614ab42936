#include "target/state.h"

#include <unistd.h>

#include <cstdlib>

#include "core/fs.h"
#include "core/text.h"
#include "target/proc_stats.h"

namespace deploybench::target {
namespace fs = std::filesystem;

fs::path default_state_dir() {
  if (const char* d = std::getenv("DEPLOYBENCH_STATE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_RUNTIME_DIR"); x && *x) return fs::path(x) / "deploybench";
  return "/tmp/deploybench-state";
}

StateRecord new_state_record(const std::string& run_id, const std::string& target, const std::string& kind) {
  StateRecord r;
  r.run_id = run_id;
  r.target = target;
  r.kind = kind;
  r.owner_pid = getpid();
  if (const auto st = read_proc_stat(r.owner_pid)) r.owner_start = st->start_ticks;
  return r;
}

std::string serialize_state(const StateRecord& r) {
  std::string out;
  auto put = [&](const char* key, const std::string& value) { out += std::string(key) + "=" + value + "\n"; };
  put("run_id", r.run_id);
  put("target", r.target);
  put("kind", r.kind);
  put("owner_pid", std::to_string(r.owner_pid));
  put("owner_start", std::to_string(r.owner_start));
  put("pid", std::to_string(r.pid));
  put("pid_start", std::to_string(r.pid_start));
  put("container_runtime", r.container_runtime);
  put("container_id", r.container_id);
  for (const auto& d : r.cgroup_dirs) put("cgroup", d.string());
  for (const auto& f : r.leftovers) put("leftover", f.string());
  return out;
}

Result<StateRecord> parse_state(std::string_view text) {
  StateRecord r;
  int line_no = 0;
  try {
    for (const auto& line : split(text, '\n')) {
      ++line_no;
      if (line.empty()) continue;
      const auto eq = line.find('=');
      if (eq == std::string::npos) throw std::invalid_argument("no '='");
      const auto key = line.substr(0, eq);
      const auto value = line.substr(eq + 1);
      if (key == "run_id")
        r.run_id = value;
      else if (key == "target")
        r.target = value;
      else if (key == "kind")
        r.kind = value;
      else if (key == "owner_pid")
        r.owner_pid = static_cast<pid_t>(std::stol(value));
      else if (key == "owner_start")
        r.owner_start = std::stoull(value);
      else if (key == "pid")
        r.pid = static_cast<pid_t>(std::stol(value));
      else if (key == "pid_start")
        r.pid_start = std::stoull(value);
      else if (key == "container_runtime")
        r.container_runtime = value;
      else if (key == "container_id")
        r.container_id = value;
      else if (key == "cgroup")
        r.cgroup_dirs.emplace_back(value);
      else if (key == "leftover")
        r.leftovers.emplace_back(value);
    }
  } catch (const std::exception& e) {
    return make_error(ErrorCode::Failed, "state record line " + std::to_string(line_no) + ": " + e.what());
  }
  return r;
}

Status save_state(const fs::path& state_dir, StateRecord& record) {
  record.file = state_dir / (record.run_id + "." + record.target + ".state");
  return write_file_atomic(record.file, serialize_state(record));
}

std::vector<StateRecord> load_states(const fs::path& state_dir) {
  std::vector<StateRecord> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(state_dir, ec)) {
    if (e.path().extension() != ".state") continue;
    auto text = read_file(e.path(), 1u << 16);
    if (!text) continue;
    auto rec = parse_state(*text);
    if (!rec) continue;
    rec->file = e.path();
    out.push_back(std::move(*rec));
  }
  return out;
}

void remove_state(const StateRecord& record) {
  std::error_code ec;
  for (const auto& f : record.leftovers) fs::remove(f, ec);
  if (!record.file.empty()) fs::remove(record.file, ec);
}

bool owner_alive(const StateRecord& record) { return process_alive(record.owner_pid, record.owner_start); }

}  // namespace deploybench::target
