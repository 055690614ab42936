#include "target/deploy_util.h"

#include <arpa/inet.h>
#include <fmt/core.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>

#include "core/sha256.h"
#include "core/text.h"

namespace deploybench::target {

Result<int> pick_free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return make_error(ErrorCode::Io, std::string("socket: ") + strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int e = errno;
    close(fd);
    return make_error(ErrorCode::Io, std::string("cannot pick a free port: ") + strerror(e));
  }
  close(fd);
  return static_cast<int>(ntohs(addr.sin_port));
}

std::string tail_file(const std::filesystem::path& path, std::size_t max_lines) {
  std::ifstream in(path);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
    if (lines.size() > max_lines) lines.pop_front();
  }
  std::string out;
  for (const auto& l : lines) out += "  | " + l + "\n";
  return out;
}

std::vector<std::string> substitute_port(const std::vector<std::string>& args, int port) {
  std::vector<std::string> out;
  const std::string p = std::to_string(port);
  for (auto a : args) {
    for (auto pos = a.find("{port}"); pos != std::string::npos; pos = a.find("{port}", pos + p.size())) {
      a.replace(pos, 6, p);
    }
    out.push_back(std::move(a));
  }
  return out;
}

std::vector<std::string> refbot_serve_args(const ModelSpec& m, const std::string& host, int port) {
  std::vector<std::string> a{"serve",
                             "--host",
                             host,
                             "--port",
                             std::to_string(port),
                             "--preset",
                             m.preset,
                             "--precision",
                             m.precision,
                             "--threads",
                             std::to_string(m.threads),
                             "--max-batch",
                             std::to_string(m.max_batch)};
  if (!m.checkpoint.empty()) {
    a.push_back("--checkpoint");
    a.push_back(m.checkpoint.string());
  }
  return a;
}

std::string deployment_name(const std::string& run_id, const std::string& target) {
  std::string out;
  for (char c : run_id + "-" + target) {
    const auto u = static_cast<unsigned char>(c);
    out += (std::isalnum(u) || c == '_' || c == '.' || c == '-') ? static_cast<char>(std::tolower(u)) : '_';
  }
  if (out.size() > 48) out = out.substr(out.size() - 48);  // the tail keeps the target name
  while (!out.empty() && !std::isalnum(static_cast<unsigned char>(out.front()))) out.erase(0, 1);
  return out.empty() ? "deployment" : out;
}

Result<std::filesystem::path> prepare_work_dir(const DeployContext& ctx, const Environment& env,
                                               const std::string& target) {
  const auto dir = ctx.work_dir.empty() ? env.state_dir / deployment_name(ctx.run_id, target) : ctx.work_dir;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error(ErrorCode::Io, "cannot create " + dir.string() + ": " + ec.message());
  return dir;
}

std::string describe_limits(const ResourceLimits& l) {
  std::vector<std::string> parts;
  if (l.cpus) parts.push_back("cpus=" + fmt::format("{:g}", *l.cpus));
  if (l.memory_bytes) parts.push_back("memory=" + format_bytes(*l.memory_bytes));
  if (!l.cpuset.empty()) parts.push_back("cpuset=" + l.cpuset);
  return parts.empty() ? "none" : join(parts, " ");
}

std::string artifact_key(const std::string& binary_sha256, const std::filesystem::path& build_script) {
  auto script = sha256_file(build_script);
  return binary_sha256.substr(0, 12) + "-" + (script ? script->substr(0, 8) : std::string("noscript"));
}

Result<std::string> static_refbot_sha256(const Environment& env) {
  if (!std::filesystem::exists(env.refbot_static)) {
    return make_error(ErrorCode::NotFound, "static refbot not found at " + env.refbot_static.string(),
                      "build it (ninja -C build refbot-static) or set DEPLOYBENCH_REFBOT_STATIC");
  }
  return sha256_file(env.refbot_static);
}

Result<Nanos> run_build_script(const Environment& env, std::vector<std::string> argv,
                               std::vector<std::pair<std::string, std::string>> extra_env) {
  const auto t0 = SteadyClock::now();
  const std::string script = argv.at(0);
  auto built = env.processes->run({std::move(argv), std::chrono::minutes{5}, std::move(extra_env)});
  if (!built) return std::move(built).error();
  if (built->exit_code != 0) {
    return make_error(ErrorCode::Failed,
                      script + " failed (exit " + std::to_string(built->exit_code) + "):\n" + built->output,
                      "run it by hand to see why");
  }
  return Nanos{SteadyClock::now() - t0};
}

ResourceSample to_sample(const ProcUsage& usage, TimePoint ready_at) {
  ResourceSample s;
  s.at = SteadyClock::now() - ready_at;
  s.cpu_seconds = usage.cpu_seconds;
  s.rss_bytes = usage.rss_bytes;
  return s;
}

Error with_log(Error error, const std::filesystem::path& log) {
  const auto tail = tail_file(log);
  if (!tail.empty()) error.message += "\nlast lines of " + log.string() + ":\n" + tail;
  return error;
}

std::optional<int> reap_if_exited(ProcessRunner& processes, std::mutex& mu, pid_t& pid, std::optional<int>& exit_code) {
  if (exit_code || pid <= 0) return exit_code;
  if (auto code = processes.try_wait(pid)) {
    exit_code = *code;
    std::lock_guard lock(mu);
    pid = 0;
  }
  return exit_code;
}

}  // namespace deploybench::target
