#include "target/process.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "target/cpuset.h"

extern char** environ;

namespace deploybench::target {
namespace {

constexpr std::size_t kMaxOutput = 1u << 20;

/// Everything the child needs, prepared before fork() so the child only makes
/// async-signal-safe calls.
struct ChildPlan {
  std::string path;
  std::vector<std::string> args;
  std::vector<std::string> env;
  std::vector<std::string> cgroup_procs;
  std::optional<cpu_set_t> affinity;
  std::string cpuset;  // the text of `affinity`, for errors
  int out_fd = -1;     // becomes stdout and stderr
  pid_t parent = 0;
};

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Formats a non-negative integer without allocating (async-signal-safe).
int format_pid(pid_t pid, char* buf) {
  char tmp[16];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + pid % 10);
    pid /= 10;
  } while (pid > 0);
  for (int i = 0; i < n; ++i) buf[i] = tmp[n - 1 - i];
  return n;
}

/// What the child reports through its error pipe when a step before exec fails.
enum class ChildStep : int { Cgroup, Affinity, Exec };
struct ChildFailure {
  ChildStep step;
  int error;  // errno
};

[[noreturn]] void child_fail(int err_fd, ChildStep step) {
  const ChildFailure f{step, errno};
  (void)!write(err_fd, &f, sizeof f);
  _exit(127);
}

[[noreturn]] void child_exec(ChildPlan& plan, char* const* argv, char* const* envp, int err_fd) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != plan.parent) _exit(127);  // the harness died before prctl took effect
  setpgid(0, 0);                             // a terminal's Ctrl-C goes to the harness only
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);  // the harness ignores SIGPIPE, and an ignored signal survives exec
  char pidbuf[16];
  const int pidlen = format_pid(getpid(), pidbuf);
  for (const auto& procs : plan.cgroup_procs) {
    const int fd = open(procs.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, pidbuf, static_cast<std::size_t>(pidlen)) != pidlen) child_fail(err_fd, ChildStep::Cgroup);
    close(fd);
  }
  if (plan.affinity && sched_setaffinity(0, sizeof(cpu_set_t), &*plan.affinity) != 0) {
    child_fail(err_fd, ChildStep::Affinity);
  }
  const int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  dup2(devnull, 0);
  if (plan.out_fd >= 0) {
    dup2(plan.out_fd, 1);
    dup2(plan.out_fd, 2);
  }
  execve(plan.path.c_str(), argv, envp);
  child_fail(err_fd, ChildStep::Exec);
}

Result<ChildPlan> make_plan(const std::vector<std::string>& argv,
                            const std::vector<std::pair<std::string, std::string>>& extra_env) {
  if (argv.empty() || argv[0].empty()) return make_error(ErrorCode::InvalidArgument, "empty command");
  ChildPlan plan;
  if (argv[0].find('/') != std::string::npos) {
    plan.path = argv[0];
  } else {
    auto found = find_executable(argv[0]);
    if (!found) {
      return make_error(ErrorCode::NotFound, "'" + argv[0] + "' not found in PATH",
                        "install it (scripts/setup.sh) or give an absolute path");
    }
    plan.path = found->string();
  }
  plan.args = argv;
  for (char** e = environ; e && *e; ++e) plan.env.emplace_back(*e);
  for (const auto& [k, v] : extra_env) plan.env.push_back(k + "=" + v);
  plan.parent = getpid();
  return plan;
}

/// Forks and execs; returns the pid once exec succeeded, or the child's errno
/// as an Error.
Result<pid_t> fork_exec(ChildPlan& plan) {
  auto argv = c_strings(plan.args);
  auto envp = c_strings(plan.env);
  int err_pipe[2];
  if (pipe2(err_pipe, O_CLOEXEC) != 0) return make_error(ErrorCode::Io, std::string("pipe: ") + strerror(errno));
  const pid_t pid = fork();
  if (pid < 0) {
    close(err_pipe[0]);
    close(err_pipe[1]);
    return make_error(ErrorCode::Failed, std::string("fork: ") + strerror(errno));
  }
  if (pid == 0) {
    close(err_pipe[0]);
    child_exec(plan, argv.data(), envp.data(), err_pipe[1]);
  }
  close(err_pipe[1]);
  ChildFailure failure{};
  ssize_t n;
  do n = read(err_pipe[0], &failure, sizeof failure);
  while (n < 0 && errno == EINTR);
  close(err_pipe[0]);
  if (n != sizeof failure) return pid;
  waitpid(pid, nullptr, 0);
  const std::string cause = strerror(failure.error);
  switch (failure.step) {
    case ChildStep::Cgroup:
      return make_error(ErrorCode::Failed, "cannot move '" + plan.path + "' into its cgroup: " + cause);
    case ChildStep::Affinity:
      return make_error(ErrorCode::Failed,
                        "cannot pin '" + plan.path + "' to cpuset '" + plan.cpuset + "': " + cause +
                            " (CPUs online on this host: " + format_cpuset(online_cpus()) + ")",
                        "pick CPUs this host has, or leave cpuset out for the default placement");
    case ChildStep::Exec:
      break;
  }
  return make_error(ErrorCode::Failed, "cannot start '" + plan.path + "': " + cause);
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::optional<std::filesystem::path> find_executable(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const auto end = dirs.find(':', start);
    const auto dir = dirs.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!dir.empty()) {
      const std::filesystem::path candidate = std::filesystem::path(dir) / name;
      if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return std::nullopt;
}

Result<CommandResult> SystemProcessRunner::run(const CommandSpec& spec) {
  auto plan = make_plan(spec.argv, spec.env);
  if (!plan) return std::move(plan).error();
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return make_error(ErrorCode::Io, std::string("pipe: ") + strerror(errno));
  plan->out_fd = out_pipe[1];
  auto pid = fork_exec(*plan);
  close(out_pipe[1]);
  if (!pid) {
    close(out_pipe[0]);
    return std::move(pid).error();
  }
  CommandResult result;
  const auto deadline = SteadyClock::now() + spec.timeout;
  bool timed_out = false;
  std::optional<int> status;
  char buf[8192];
  // Reads until EOF or until the child exited and the pipe is drained: a daemon
  // the command leaves behind (podman's conmon) may keep the pipe open forever.
  for (;;) {
    if (SteadyClock::now() >= deadline) {
      timed_out = true;
      break;
    }
    pollfd pfd{out_pipe[0], POLLIN, 0};
    const int r = poll(&pfd, 1, status ? 0 : 20);
    if (r < 0 && errno != EINTR) break;
    if (r > 0) {
      const ssize_t n = read(out_pipe[0], buf, sizeof buf);
      if (n <= 0) break;
      if (result.output.size() < kMaxOutput) result.output.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (status) break;  // exited and nothing left to read
    int raw = 0;
    if (waitpid(*pid, &raw, WNOHANG) == *pid) status = decode_status(raw);
  }
  close(out_pipe[0]);
  if (!status) {
    if (timed_out) kill(*pid, SIGKILL);
    int raw = 0;
    while (waitpid(*pid, &raw, 0) < 0 && errno == EINTR) {
    }
    status = decode_status(raw);
  }
  result.exit_code = *status;
  if (timed_out) {
    return make_error(ErrorCode::Timeout,
                      "'" + spec.argv[0] + "' did not finish within " + format_duration(spec.timeout));
  }
  return result;
}

Result<pid_t> SystemProcessRunner::spawn(const SpawnSpec& spec) {
  auto plan = make_plan(spec.argv, {});
  if (!plan) return std::move(plan).error();
  for (const auto& p : spec.cgroup_procs) plan->cgroup_procs.push_back(p.string());
  if (!spec.cpuset.empty()) {
    auto set = parse_cpuset(spec.cpuset);
    if (!set) return std::move(set).error();
    cpu_set_t mask;
    CPU_ZERO(&mask);
    for (int cpu : *set) CPU_SET(cpu, &mask);
    plan->affinity = mask;
    plan->cpuset = spec.cpuset;
  }
  int log_fd = -1;
  if (!spec.log_file.empty()) {
    log_fd = open(spec.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) {
      return make_error(ErrorCode::Io, "cannot open log " + spec.log_file.string() + ": " + strerror(errno));
    }
  }
  plan->out_fd = log_fd;
  auto pid = fork_exec(*plan);
  if (log_fd >= 0) close(log_fd);
  return pid;
}

std::optional<int> SystemProcessRunner::try_wait(pid_t pid) {
  if (pid <= 0) return -1;  // waitpid would take any child of the group (0) or of the process (-1)
  int status = 0;
  const pid_t r = waitpid(pid, &status, WNOHANG);
  if (r == 0) return std::nullopt;
  if (r < 0) return -1;  // not our child or already reaped
  return decode_status(status);
}

void SystemProcessRunner::terminate(pid_t pid, Nanos grace) {
  if (pid <= 0 || try_wait(pid)) return;
  // The child leads its own process group (see child_exec): signal the group,
  // so a wrapper command's server goes too.
  kill(-pid, SIGTERM);
  kill(pid, SIGTERM);
  const auto deadline = SteadyClock::now() + grace;
  while (SteadyClock::now() < deadline) {
    if (try_wait(pid)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds{5});
  }
  kill(-pid, SIGKILL);
  kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace deploybench::target
