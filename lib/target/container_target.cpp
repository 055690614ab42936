#include "target/container_target.h"

#include <fmt/core.h>

#include "core/sha256.h"
#include "core/text.h"
#include "target/container_cli.h"
#include "target/cpuset.h"
#include "target/deploy_util.h"
#include "target/http_probe.h"
#include "target/proc_stats.h"

namespace deploybench::target {
namespace {

constexpr int kBundledPort = 8080;  // refbot's port inside the bundled image

std::string last_line(const std::string& text) {
  auto lines = split(text, '\n');
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines.empty() ? std::string{} : lines.back();
}

}  // namespace

std::string bundled_image_tag(const std::string& key) { return "localhost/deploybench/refbot:" + key; }

std::vector<std::string> container_run_argv(const TargetConfig& config, const ContainerRun& run) {
  const auto& c = std::get<ContainerConfig>(config.kind);
  const bool bundled = c.image.empty();
  std::vector<std::string> a{c.runtime, "run", "-d", "--rm", "--name", run.name};
  for (const auto& [k, v] : run.labels) {
    a.push_back("--label");
    a.push_back(k + "=" + v);
  }
  if (c.runtime == "podman") {  // docker run has no --timeout
    a.push_back("--timeout");
    a.push_back(std::to_string(std::chrono::duration_cast<std::chrono::seconds>(c.watchdog).count()));
  }
  if (bundled) a.push_back("--read-only");
  if (c.limits.cpus) {
    a.push_back("--cpus");
    a.push_back(fmt::format("{:g}", *c.limits.cpus));
  }
  if (c.limits.memory_bytes) {
    a.push_back("--memory");
    a.push_back(std::to_string(*c.limits.memory_bytes) + "b");
  }
  if (!run.cpuset.empty()) {
    a.push_back("--cpuset-cpus");
    a.push_back(run.cpuset);
  }
  if (c.host_network) {
    a.push_back("--network");
    a.push_back("host");
  } else {
    a.push_back("-p");
    a.push_back("127.0.0.1:" + std::to_string(run.host_port) + ":" + std::to_string(bundled ? kBundledPort : c.port));
  }
  a.push_back(bundled ? run.image : c.image);
  const int inner_port = c.host_network ? run.host_port : (bundled ? kBundledPort : c.port);
  const auto args = bundled ? refbot_serve_args(config.model, c.host_network ? "127.0.0.1" : "0.0.0.0", inner_port)
                            : substitute_port(c.args, inner_port);
  a.insert(a.end(), args.begin(), args.end());
  return a;
}

ContainerTarget::ContainerTarget(TargetConfig config, const Environment& env)
    : config_(std::move(config)), ctr_(std::get<ContainerConfig>(config_.kind)), env_(env) {
  info_.kind = "container";
}

ContainerTarget::~ContainerTarget() { (void)teardown(); }

Result<CommandResult> ContainerTarget::cli(std::vector<std::string> args, Nanos timeout) {
  args.insert(args.begin(), ctr_.runtime);
  return run_argv(std::move(args), timeout);
}

Result<CommandResult> ContainerTarget::run_argv(std::vector<std::string> argv, Nanos timeout) {
  return env_.processes->run({std::move(argv), timeout, {}});
}

Result<std::string> ContainerTarget::ensure_image() {
  if (!ctr_.image.empty()) return ensure_user_image();
  auto sha = static_refbot_sha256(env_);
  if (!sha) return std::move(sha).error();
  info_.details["binary_sha256"] = *sha;
  const auto script = env_.project_dir / "scripts" / "build-image.sh";
  const auto tag = bundled_image_tag(artifact_key(*sha, script));
  auto exists = run_argv(image_present_argv(ctr_.runtime, tag));
  if (exists && exists->exit_code == 0) {
    lifecycle_.build_cached = true;
    return tag;
  }
  auto took = run_build_script(
      env_, {script.string(), "--runtime", ctr_.runtime, "--refbot", env_.refbot_static.string(), "--tag", tag});
  if (!took) return std::move(took).error();
  lifecycle_.build = *took;
  return tag;
}

Result<std::string> ContainerTarget::ensure_user_image() {
  if (auto present = run_argv(image_present_argv(ctr_.runtime, ctr_.image)); present && present->exit_code == 0) {
    lifecycle_.build_cached = true;
    return ctr_.image;
  }
  // Pulled here, timed as the build: inside `run` the pull would count as deploy-to-ready, and
  // its failure would read like a runtime problem.
  const auto t0 = SteadyClock::now();
  auto pulled = cli({"pull", ctr_.image}, std::chrono::minutes{5});
  if (!pulled) return std::move(pulled).error();
  if (pulled->exit_code != 0) {
    return make_error(ErrorCode::NotFound,
                      "image '" + ctr_.image + "' is not present and " + ctr_.runtime + " pull failed (exit " +
                          std::to_string(pulled->exit_code) + "):\n" + pulled->output,
                      "check the image name, or build or pull it first (" + ctr_.runtime + " pull " + ctr_.image +
                          "; a private registry needs " + ctr_.runtime + " login)");
  }
  lifecycle_.build = SteadyClock::now() - t0;
  return ctr_.image;
}

Result<Endpoint> ContainerTarget::deploy(const DeployContext& ctx) {
  // A cpuset naming CPUs this host lacks fails before the image is built or the runtime is asked.
  if (auto placed = plan_placement(ctr_.limits, env_.cpus); !placed) return placed.error();
  auto image = ensure_image();
  if (!image) return std::move(image).error();
  const auto t0 = SteadyClock::now();
  auto port = pick_free_port();
  if (!port) return std::move(port).error();
  if (auto s = start(ctx, *image, *port); !s) return s.error();
  const HttpGet probe{
      "http://127.0.0.1:" + std::to_string(*port) + ctr_.health_path, std::chrono::milliseconds{500}, {}, true, {}};
  if (auto s = wait_until_ready(probe, t0 + config_.ready_timeout, ctx.cancel, [this] { return alive(); }); !s) {
    auto e = s.error();
    e.message += "\ncontainer log:\n" + logs();
    return e;
  }
  ready_at_ = SteadyClock::now();
  lifecycle_.deploy_to_ready = ready_at_ - t0;
  if (auto u = read_cgroup_usage_of(pid_, env_.cgroups)) lifecycle_.idle_rss_bytes = u->rss_bytes;
  if (auto model = served_model_description("http://127.0.0.1:" + std::to_string(*port)))
    info_.details["served_model"] = *model;
  Endpoint ep;
  ep.base_url = "http://127.0.0.1:" + std::to_string(*port);
  return ep;
}

Status ContainerTarget::start(const DeployContext& ctx, const std::string& image, int host_port) {
  const auto placement = plan_placement(ctr_.limits, env_.cpus);
  if (!placement) return placement.error();
  name_ = "deploybench-" + deployment_name(ctx.run_id, config_.name) + "-" + std::to_string(host_port);
  record_ = new_state_record(ctx.run_id, config_.name, "container");
  record_.container_runtime = ctr_.runtime;
  record_.container_id = name_;
  if (auto s = save_state(env_.state_dir, record_); !s) return s;  // before run: cleanup can find it
  const ContainerRun run{name_,
                         image,
                         host_port,
                         placement->target_cpuset,
                         {{"deploybench", "1"},
                          {"deploybench.run", ctx.run_id},
                          {"deploybench.target", config_.name},
                          {"deploybench.owner", fmt::format("{}:{}", record_.owner_pid, record_.owner_start)}}};
  const auto argv = container_run_argv(config_, run);
  auto r = env_.processes->run({argv, std::chrono::minutes{2}, {}});
  if (!r) return r.error();
  if (r->exit_code != 0) {
    return make_error(ErrorCode::Failed,
                      ctr_.runtime + " run failed (exit " + std::to_string(r->exit_code) + "):\n" + r->output,
                      "see scripts/setup.sh for the podman configuration this machine needs");
  }
  auto inspect = cli({"inspect", "--format", "{{.State.Pid}} {{.Id}} {{.Image}}", name_});
  const auto fields =
      inspect && inspect->exit_code == 0 ? split(last_line(inspect->output), ' ') : std::vector<std::string>{};
  if (fields.size() < 3) return make_error(ErrorCode::Failed, "cannot inspect container " + name_);
  {
    std::lock_guard lock(mu_);
    pid_ = static_cast<pid_t>(std::stol(fields[0]));
  }
  info_.details["runtime"] = ctr_.runtime;
  if (auto v = run_argv(runtime_version_argv(ctr_.runtime)); v && v->exit_code == 0)
    info_.details["runtime_version"] = last_line(v->output);
  info_.details["container"] = name_;
  info_.details["image"] = image;
  info_.details["image_id"] = fields[2];
  info_.details["command"] = join(argv, " ");
  info_.details["network"] = ctr_.host_network ? "host" : "bridge, -p 127.0.0.1:" + std::to_string(host_port);
  info_.details["limits"] = describe_limits(ctr_.limits);
  info_.details["placement"] = placement->reason;
  info_.details["cpuset"] = placement->target_cpuset.empty() ? "all" : placement->target_cpuset;
  info_.details["watchdog"] = ctr_.runtime == "podman" ? format_duration(ctr_.watchdog) : "none (docker)";
  return Ok{};
}

Status ContainerTarget::alive() {
  if (process_alive(pid_)) return Ok{};
  // Run with --rm: once its process exits the runtime removes it, exit status and log included.
  return make_error(ErrorCode::Failed,
                    "container " + name_ + " is no longer running (its process " + std::to_string(pid_) + " exited)");
}

std::string ContainerTarget::logs() {
  auto r = cli({"logs", "--tail", "20", name_}, std::chrono::seconds{20});
  return r ? r->output : r.error().message;
}

Result<ResourceSample> ContainerTarget::sample_resources() {
  std::lock_guard lock(mu_);
  if (pid_ <= 0) return make_error(ErrorCode::Unavailable, "container '" + config_.name + "' is not running");
  auto usage = read_cgroup_usage_of(pid_, env_.cgroups);
  if (!usage) return std::move(usage).error();
  return to_sample(*usage, ready_at_);
}

Status ContainerTarget::teardown() {
  {
    std::lock_guard lock(mu_);
    pid_ = 0;
  }
  if (name_.empty()) return Ok{};
  auto r = run_argv(container_remove_argv(ctr_.runtime, name_, 3));
  const bool gone = r && (r->exit_code == 0 || says_no_such_container(r->output));
  if (!gone) {
    return make_error(ErrorCode::Failed,
                      "cannot remove container " + name_ + ": " + (r ? r->output : r.error().message),
                      "run 'deploybench cleanup'");
  }
  name_.clear();
  remove_state(record_);
  return Ok{};
}

}  // namespace deploybench::target
