#include "target/local_target.h"

#include "core/sha256.h"
#include "core/text.h"
#include "target/cpuset.h"
#include "target/deploy_util.h"
#include "target/http_probe.h"
#include "target/proc_stats.h"

namespace deploybench::target {

std::vector<std::string> local_argv(const TargetConfig& config, const std::filesystem::path& refbot, int port) {
  const auto& local = std::get<LocalConfig>(config.kind);
  if (!local.command.empty()) return substitute_port(local.command, port);
  auto argv = refbot_serve_args(config.model, "127.0.0.1", port);
  argv.insert(argv.begin(), refbot.string());
  return argv;
}

LocalTarget::LocalTarget(TargetConfig config, const Environment& env)
    : config_(std::move(config)), local_(std::get<LocalConfig>(config_.kind)), env_(env) {
  info_.kind = "local";
}

LocalTarget::~LocalTarget() { (void)teardown(); }

Result<Endpoint> LocalTarget::deploy(const DeployContext& ctx) {
  const auto t0 = SteadyClock::now();
  auto port = pick_free_port();
  if (!port) return std::move(port).error();
  if (auto s = start(ctx, *port); !s) return s.error();
  const HttpGet probe{
      "http://127.0.0.1:" + std::to_string(*port) + local_.health_path, std::chrono::milliseconds{500}, {}, true, {}};
  if (auto s = wait_until_ready(probe, t0 + config_.ready_timeout, ctx.cancel, [this] { return exited(); }); !s) {
    return with_log(s.error(), log_);
  }
  ready_at_ = SteadyClock::now();
  lifecycle_.deploy_to_ready = ready_at_ - t0;
  if (auto u = read_tree_usage(pid_)) lifecycle_.idle_rss_bytes = u->rss_bytes;
  info_.details["port"] = std::to_string(*port);
  if (auto model = served_model_description("http://127.0.0.1:" + std::to_string(*port)))
    info_.details["served_model"] = *model;
  Endpoint ep;
  ep.base_url = "http://127.0.0.1:" + std::to_string(*port);
  return ep;
}

Status LocalTarget::start(const DeployContext& ctx, int port) {
  auto dir = prepare_work_dir(ctx, env_, config_.name);
  if (!dir) return std::move(dir).error();
  log_ = *dir / (config_.name + ".log");
  const auto argv = local_argv(config_, env_.refbot, port);
  if (local_.command.empty() && !std::filesystem::exists(env_.refbot)) {
    return make_error(ErrorCode::NotFound, "refbot not found at " + env_.refbot.string(),
                      "build it (ninja -C build refbot) or set DEPLOYBENCH_REFBOT");
  }
  const auto placement = plan_placement(local_.limits, env_.cpus);
  if (!placement) return placement.error();
  SpawnSpec spec{argv, log_, {}, placement->target_cpuset};
  record_ = new_state_record(ctx.run_id, config_.name, "local");
  if (local_.limits.cpus || local_.limits.memory_bytes) {
    auto cg = Cgroup::create(env_.cgroups, owned_cgroup_name(deployment_name(ctx.run_id, config_.name)), local_.limits);
    if (!cg) return std::move(cg).error();
    cgroup_ = std::move(*cg);
    spec.cgroup_procs = cgroup_->procs_files();
    record_.cgroup_dirs = cgroup_->dirs();
  }
  if (auto s = save_state(env_.state_dir, record_); !s) return s;
  auto pid = env_.processes->spawn(spec);
  if (!pid) return std::move(pid).error();
  {
    std::lock_guard lock(mu_);
    pid_ = *pid;
  }
  if (const auto st = read_proc_stat(pid_)) record_.pid_start = st->start_ticks;
  record_.pid = pid_;
  (void)save_state(env_.state_dir, record_);

  info_.details["command"] = join(argv, " ");
  info_.details["placement"] = placement->reason;
  info_.details["cpuset"] = placement->target_cpuset.empty() ? "all" : placement->target_cpuset;
  info_.details["limits"] = describe_limits(local_.limits);
  if (cgroup_) info_.details["cgroups"] = describe_cgroups(env_.cgroups);
  const std::filesystem::path binary = argv[0].find('/') == std::string::npos
                                           ? find_executable(argv[0]).value_or(argv[0])
                                           : std::filesystem::path(argv[0]);
  info_.details["binary"] = binary.string();
  if (auto hash = sha256_file(binary)) info_.details["binary_sha256"] = *hash;
  if (local_.command.empty()) {
    info_.details["model"] = config_.model.preset + " " + config_.model.precision;
  }
  return Ok{};
}

Status LocalTarget::exited() {
  const auto code = reap_if_exited(*env_.processes, mu_, pid_, exit_code_);
  if (!code) return Ok{};
  return make_error(ErrorCode::Failed, "'" + config_.name + "' exited with status " + std::to_string(*code));
}

Status LocalTarget::alive() {
  auto s = exited();
  return s ? s : Status(with_log(s.error(), log_));
}

TargetInfo LocalTarget::describe() const { return info_; }

Result<ResourceSample> LocalTarget::sample_resources() {
  std::lock_guard lock(mu_);
  if (pid_ <= 0) return make_error(ErrorCode::Unavailable, "'" + config_.name + "' is not running");
  auto usage = read_tree_usage(pid_);
  if (!usage) return std::move(usage).error();
  return to_sample(*usage, ready_at_);
}

Status LocalTarget::teardown() {
  pid_t pid = 0;
  {
    std::lock_guard lock(mu_);
    std::swap(pid, pid_);
  }
  if (pid > 0 && !exit_code_) env_.processes->terminate(pid, std::chrono::seconds{5});
  Status result = Ok{};
  if (cgroup_) {
    result = remove_cgroup_dirs(cgroup_->dirs());
    cgroup_.reset();
  }
  if (result) remove_state(record_);
  record_.file.clear();
  return result;
}

}  // namespace deploybench::target
