#include "target/vm_target.h"

#include <fcntl.h>
#include <unistd.h>

#include <thread>

#include "core/fs.h"
#include "core/sha256.h"
#include "core/text.h"
#include "target/cpuset.h"
#include "target/deploy_util.h"
#include "target/http_probe.h"
#include "target/proc_stats.h"
#include "target/qmp.h"

namespace deploybench::target {
namespace {

constexpr const char* kReadyMarker = "DEPLOYBENCH-VM-READY";  // printed by build-vm.sh's /init
constexpr int kGuestPort = 8080;

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace

bool kvm_device_usable() {
  const int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
  if (fd < 0) return false;
  close(fd);
  return true;
}

std::string qemu_cpu_model(const VmConfig& vm, const std::string& accel) {
  if (!vm.cpu.empty()) return vm.cpu;
  return accel == "kvm" ? "host" : "max";
}

std::vector<std::string> qemu_argv(const TargetConfig& config, const QemuLaunch& l) {
  const auto& vm = std::get<VmConfig>(config.kind);
  const auto& m = config.model;
  const bool kvm = l.accel == "kvm";
  return {"qemu-system-x86_64",
          "-accel",
          kvm ? "kvm" : "tcg,thread=multi",
          "-M",
          "pc",
          "-cpu",
          qemu_cpu_model(vm, l.accel),
          "-smp",
          std::to_string(vm.vcpus),
          "-m",
          std::to_string(vm.memory_bytes >> 20),
          "-name",
          l.name + ",debug-threads=on",
          "-nodefaults",
          "-no-user-config",
          "-display",
          "none",
          "-no-reboot",
          "-serial",
          "file:" + l.serial_log.string(),
          "-qmp",
          "unix:" + l.qmp_socket.string() + ",server=on,wait=off",
          "-kernel",
          l.kernel.string(),
          "-initrd",
          l.initrd.string(),
          "-append",
          "console=ttyS0 quiet panic=-1 dbport=" + std::to_string(kGuestPort) + " dbpreset=" + m.preset +
              " dbprecision=" + m.precision + " dbthreads=" + std::to_string(m.threads) +
              " dbbatch=" + std::to_string(m.max_batch),
          "-netdev",
          "user,id=n0,hostfwd=tcp:127.0.0.1:" + std::to_string(l.host_port) + "-:" + std::to_string(kGuestPort),
          "-device",
          "virtio-net-pci,netdev=n0,romfile="};
}

VmTarget::VmTarget(TargetConfig config, const Environment& env)
    : config_(std::move(config)), vm_(std::get<VmConfig>(config_.kind)), env_(env) {
  info_.kind = "vm";
}

VmTarget::~VmTarget() { (void)teardown(); }

Result<std::filesystem::path> VmTarget::ensure_initrd() {
  if (!vm_.initrd.empty()) {
    own_initrd_ = false;
    lifecycle_.build_cached = true;
    return vm_.initrd;
  }
  auto sha = static_refbot_sha256(env_);
  if (!sha) return std::move(sha).error();
  info_.details["binary_sha256"] = *sha;
  const auto script = env_.project_dir / "scripts" / "build-vm.sh";
  const auto path = env_.vm_dir / ("initramfs-" + artifact_key(*sha, script) + ".cpio.gz");
  if (std::filesystem::exists(path)) {
    lifecycle_.build_cached = true;
    return path;
  }
  auto took = run_build_script(env_, {script.string(), "--refbot", env_.refbot_static.string(), "--out", path.string()},
                               {{"DEPLOYBENCH_VM_DIR", env_.vm_dir.string()}});
  if (!took) return std::move(took).error();
  lifecycle_.build = *took;
  return path;
}

Result<Endpoint> VmTarget::deploy(const DeployContext& ctx) {
  // A cpuset naming CPUs this host lacks fails before anything is built or booted.
  if (auto placed = plan_placement(ResourceLimits{{}, {}, vm_.cpuset}, env_.cpus); !placed) return placed.error();
  kernel_ = vm_.kernel.empty() ? env_.vm_dir / "vmlinux" : vm_.kernel;
  if (!std::filesystem::exists(kernel_)) {
    return make_error(ErrorCode::NotFound, "VM kernel not found at " + kernel_.string(),
                      "scripts/setup.sh extracts it from /boot/vmlinuz-*");
  }
  auto initrd = ensure_initrd();
  if (!initrd) return std::move(initrd).error();
  initrd_ = *initrd;
  auto dir = prepare_work_dir(ctx, env_, config_.name);
  if (!dir) return std::move(dir).error();
  work_dir_ = *dir;

  const auto t0 = SteadyClock::now();
  const auto deadline = t0 + config_.ready_timeout;
  std::vector<std::string> plan{vm_.accel};
  if (vm_.accel == "auto") {
    plan = kvm_device_usable() ? std::vector<std::string>{"kvm", "tcg"} : std::vector<std::string>{"tcg"};
    if (plan.size() == 1) info_.details["accel_note"] = "/dev/kvm not usable";
  }
  Status booted = make_error(ErrorCode::Failed, "no accelerator tried");
  for (const auto& accel : plan) {
    const bool probe = vm_.accel == "auto" && accel == "kvm";
    booted = boot(ctx, accel, probe ? std::min(deadline, SteadyClock::now() + vm_.kvm_probe_timeout) : deadline);
    if (booted || !not_interrupted(ctx.cancel, "")) break;
    if (probe) info_.details["accel_note"] = "kvm did not boot: " + first_line(booted.error().message);
    stop(false);  // a failed boot may have a hung guest: no point asking it to power down
  }
  if (!booted) return booted.error();
  ready_at_ = SteadyClock::now();
  lifecycle_.deploy_to_ready = ready_at_ - t0;
  if (auto u = read_process_usage(pid_)) lifecycle_.idle_rss_bytes = u->rss_bytes;
  if (auto model = served_model_description(base_url_)) info_.details["served_model"] = *model;
  if (auto s = sample_resources(); s && s->guest_rss_bytes) {
    info_.details["guest_idle_rss"] = format_bytes(*s->guest_rss_bytes);
  }
  Endpoint ep;
  ep.base_url = base_url_;
  return ep;
}

Status VmTarget::boot(const DeployContext& ctx, const std::string& accel, TimePoint deadline) {
  auto port = pick_free_port();
  if (!port) return port.error();
  const auto name = deployment_name(ctx.run_id, config_.name);
  serial_log_ = work_dir_ / (config_.name + "-" + accel + ".serial.log");
  qmp_socket_ = env_.state_dir / (name + ".qmp");
  if (qmp_socket_.string().size() > 100) qmp_socket_ = "/tmp/deploybench-" + std::to_string(*port) + ".qmp";
  std::error_code ec;
  std::filesystem::remove(serial_log_, ec);
  const QemuLaunch launch{accel, kernel_, initrd_, serial_log_, qmp_socket_, *port, "deploybench-" + name};
  const auto placement = plan_placement(ResourceLimits{{}, {}, vm_.cpuset}, env_.cpus);
  if (!placement) return placement.error();
  const auto argv = qemu_argv(config_, launch);
  record_ = new_state_record(ctx.run_id, config_.name, "vm");
  record_.leftovers = {qmp_socket_};  // a killed harness leaves it: cleanup deletes it with the record
  exit_code_.reset();
  auto pid = env_.processes->spawn({argv, work_dir_ / (config_.name + ".qemu.log"), {}, placement->target_cpuset});
  if (!pid) return pid.error();
  {
    std::lock_guard lock(mu_);
    pid_ = *pid;
    base_url_ = "http://127.0.0.1:" + std::to_string(*port);
  }
  record_.pid = *pid;
  if (const auto st = read_proc_stat(*pid)) record_.pid_start = st->start_ticks;
  if (auto s = save_state(env_.state_dir, record_); !s) return s;

  info_.details["accel"] = accel;
  info_.details["cpu"] = qemu_cpu_model(vm_, accel);
  info_.details["command"] = join(argv, " ");
  info_.details["kernel"] = kernel_.string();
  if (auto kv = read_file(env_.vm_dir / "kernel-version", 256)) info_.details["kernel_version"] = first_line(*kv);
  info_.details["initrd"] = initrd_.string();
  info_.details["vcpus"] = std::to_string(vm_.vcpus);
  info_.details["memory"] = format_bytes(vm_.memory_bytes);
  info_.details["network"] = "slirp, hostfwd 127.0.0.1:" + std::to_string(*port);
  info_.details["placement"] = placement->reason;
  info_.details["cpuset"] = placement->target_cpuset.empty() ? "all" : placement->target_cpuset;
  if (auto v = env_.processes->run({{"qemu-system-x86_64", "--version"}, std::chrono::seconds{10}, {}}); v) {
    info_.details["qemu_version"] = first_line(v->output);
  }
  if (auto s = wait_for_console(deadline, ctx.cancel); !s) return with_log(s.error(), serial_log_);
  const HttpGet probe{base_url_ + "/health", std::chrono::milliseconds{250}, {}, true, {}};
  if (auto s = wait_until_ready(probe, deadline, ctx.cancel, [this] { return alive(); }); !s) {
    return with_log(s.error(), serial_log_);
  }
  return Ok{};
}

Status VmTarget::wait_for_console(TimePoint deadline, const std::atomic<bool>* cancel) {
  if (!own_initrd_) return Ok{};
  // Polling the serial log is cheaper than HTTP: slirp accepts connections long before the guest
  // listens, so each early probe would hang until its timeout.
  while (SteadyClock::now() < deadline) {
    if (auto s = not_interrupted(cancel, "the VM to boot"); !s) return s;
    if (auto s = alive(); !s) return s;
    if (auto text = read_file(serial_log_); text && text->find(kReadyMarker) != std::string::npos) return Ok{};
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
  }
  return make_error(ErrorCode::Timeout, "the VM did not reach its init's ready line in time",
                    "raise ready_timeout (TCG boots take about 3 s on an idle host)");
}

Status VmTarget::alive() {
  const auto code = reap_if_exited(*env_.processes, mu_, pid_, exit_code_);
  if (!code) return Ok{};
  return with_log(make_error(ErrorCode::Failed, "qemu exited with status " + std::to_string(*code)),
                  work_dir_ / (config_.name + ".qemu.log"));
}

Result<ResourceSample> VmTarget::sample_resources() {
  std::string url;
  ProcUsage host;
  {
    std::lock_guard lock(mu_);
    if (pid_ <= 0) return make_error(ErrorCode::Unavailable, "VM '" + config_.name + "' is not running");
    auto usage = read_process_usage(pid_);
    if (!usage) return std::move(usage).error();
    host = *usage;
    url = base_url_ + "/metrics";
  }
  auto sample = to_sample(host, ready_at_);
  if (auto r = http_get({url, std::chrono::seconds{1}, {}, true, {}}); r && r->status == 200) {
    sample.guest_cpu_seconds = prometheus_value(r->body, "refbot_process_cpu_seconds_total");
    if (auto rss = prometheus_value(r->body, "refbot_process_resident_memory_bytes")) {
      sample.guest_rss_bytes = static_cast<std::uint64_t>(*rss);
    }
  }
  return sample;
}

void VmTarget::stop(bool graceful) {
  pid_t pid = 0;
  {
    std::lock_guard lock(mu_);
    std::swap(pid, pid_);
  }
  if (pid > 0) {
    // ACPI power button: the guest's acpid runs poweroff and qemu exits (about 0.2 s under TCG).
    if (graceful && qmp_execute(qmp_socket_, "system_powerdown", std::chrono::seconds{1})) {
      const auto until = SteadyClock::now() + std::chrono::seconds{3};
      while (SteadyClock::now() < until && !env_.processes->try_wait(pid)) {
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
      }
    }
    env_.processes->terminate(pid, std::chrono::seconds{1});  // no-op when it already exited
  }
  std::error_code ec;
  if (!qmp_socket_.empty()) std::filesystem::remove(qmp_socket_, ec);
  remove_state(record_);
  record_.file.clear();
}

Status VmTarget::teardown() {
  stop(true);
  return Ok{};
}

}  // namespace deploybench::target
