#include "serve/thread_stats.h"

#include <dirent.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace deploybench::serve {
namespace {

/// The value after `key` on the line starting with it ("key: value" or "key   :   value").
long field(const std::string& text, std::string_view key) {
  std::size_t at = 0;
  while ((at = text.find(key, at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') {
      const std::size_t colon = text.find(':', at + key.size());
      if (colon == std::string::npos) return 0;
      return std::strtol(text.c_str() + colon + 1, nullptr, 10);
    }
    at += key.size();
  }
  return 0;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::optional<ThreadStats> read_dir(const std::string& dir) {
  ThreadStats s;
  long long cpu = 0, delay = 0;
  std::FILE* f = std::fopen((dir + "/schedstat").c_str(), "r");
  if (!f) return std::nullopt;
  const bool ok = std::fscanf(f, "%lld %lld", &cpu, &delay) == 2;
  std::fclose(f);
  if (!ok) return std::nullopt;
  s.cpu = Nanos(cpu);
  s.run_delay = Nanos(delay);
  const std::string status = slurp(dir + "/status");
  s.voluntary = field(status, "voluntary_ctxt_switches");
  s.involuntary = field(status, "nonvoluntary_ctxt_switches");
  s.migrations = field(slurp(dir + "/sched"), "se.nr_migrations");
  return s;
}

}  // namespace

ThreadStats operator-(const ThreadStats& a, const ThreadStats& b) {
  return {a.cpu - b.cpu, a.run_delay - b.run_delay, a.voluntary - b.voluntary, a.involuntary - b.involuntary,
          a.migrations - b.migrations};
}

std::optional<ThreadStats> read_thread_stats() { return read_dir("/proc/thread-self"); }

std::optional<ThreadStats> read_thread_stats(pid_t tid) { return read_dir(fmt::format("/proc/self/task/{}", tid)); }

std::optional<pid_t> find_thread(std::string_view name) {
  DIR* dir = ::opendir("/proc/self/task");
  if (!dir) return std::nullopt;
  std::optional<pid_t> found;
  while (const dirent* e = ::readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    std::string comm = slurp(fmt::format("/proc/self/task/{}/comm", e->d_name));
    while (!comm.empty() && comm.back() == '\n') comm.pop_back();
    if (comm == name) {
      found = static_cast<pid_t>(std::atoi(e->d_name));
      break;
    }
  }
  ::closedir(dir);
  return found;
}

}  // namespace deploybench::serve
