#include "target/doctor.h"

#include <curl/curl.h>
#include <unistd.h>

#include "core/text.h"
#include "target/cleanup.h"
#include "target/cpuset.h"
#include "target/vm_target.h"

namespace deploybench::target {
namespace {

bool executable(const std::filesystem::path& p) { return access(p.c_str(), X_OK) == 0; }

/// Command output on one line: lines joined with "; ", blank ones dropped.
std::string one_line(const std::string& s) {
  std::vector<std::string> lines;
  for (auto& l : split(s, '\n')) {
    const auto b = l.find_first_not_of(" \t");
    if (b != std::string::npos) lines.push_back(l.substr(b));
  }
  return join(lines, "; ");
}

KindStatus check_local(const Environment& env) {
  if (executable(env.refbot)) return {"local", true, "refbot at " + env.refbot.string(), {}};
  return {"local", false, "no refbot at " + env.refbot.string(),
          "build it (ninja -C build refbot) or set DEPLOYBENCH_REFBOT; a custom command: still works"};
}

KindStatus check_container(const Environment& env, const std::string& runtime) {
  const std::string kind = runtime == "podman" ? "container" : "container (" + runtime + ")";
  if (!find_executable(runtime)) {
    return {kind, false, runtime + " is not installed", runtime == "podman" ? "run scripts/setup.sh" : ""};
  }
  const std::string format = runtime == "podman" ? "{{.Host.OCIRuntime.Name}} {{.Host.CgroupManager}}"
                                                 : "{{.ServerVersion}} {{.CgroupDriver}}";
  auto info = env.processes->run({{runtime, "info", "--format", format}, std::chrono::seconds{30}, {}});
  if (!info || info->exit_code != 0) {
    return {kind, false, runtime + " info failed: " + one_line(info ? info->output : info.error().message),
            runtime == "podman" ? "run scripts/setup.sh (it configures runc, cgroupfs and the ulimits)"
                                : "start the docker daemon"};
  }
  std::string detail = runtime + " (" + one_line(info->output) + ")";
  if (!executable(env.refbot_static)) {
    return {kind, false, detail + "; no static refbot at " + env.refbot_static.string(),
            "build it (ninja -C build refbot-static) or use image: with your own image"};
  }
  return {kind, true, detail + "; image built on demand from " + env.refbot_static.string(), {}};
}

KindStatus check_vm(const Environment& env) {
  std::vector<std::string> missing;
  if (!find_executable("qemu-system-x86_64")) missing.push_back("qemu-system-x86_64");
  if (!std::filesystem::exists(env.vm_dir / "vmlinux")) missing.push_back((env.vm_dir / "vmlinux").string());
  if (!executable("/bin/busybox")) missing.push_back("/bin/busybox (busybox-static)");
  if (!executable(env.refbot_static)) missing.push_back("static refbot at " + env.refbot_static.string());
  const std::string accel = kvm_device_usable()
                                ? "/dev/kvm present: accel auto probes KVM, falls back to TCG if it does not boot"
                                : "no usable /dev/kvm: TCG (emulation, about 3 s boots)";
  if (!missing.empty()) {
    return {"vm", false, "missing: " + join(missing, ", ") + "; " + accel, "run scripts/setup.sh and build refbot"};
  }
  return {"vm", true, accel, {}};
}

KindStatus check_remote() {
  const auto* v = curl_version_info(CURLVERSION_NOW);
  if (v != nullptr && v->ssl_version != nullptr) {
    return {"remote", true, std::string("libcurl ") + v->version + " with " + v->ssl_version + " (TLS verified)", {}};
  }
  return {"remote", false, "libcurl has no TLS support: only http:// endpoints", "install libcurl4-openssl-dev"};
}

}  // namespace

std::vector<KindStatus> doctor(const Environment& env) {
  std::vector<KindStatus> out{check_local(env)};
  for (const auto& runtime : installed_container_runtimes()) out.push_back(check_container(env, runtime));
  if (out.size() == 1) out.push_back(check_container(env, "podman"));  // says it is missing
  out.push_back(check_vm(env));
  out.push_back(check_remote());
  const auto cg = describe_cgroups(env.cgroups);
  out.push_back({"cgroups", cg.rfind("none", 0) != 0, cg,
                 "local CPU/memory limits need cgroups; containers and VMs do not use these"});
  const auto placement = plan_placement({}, env.cpus);  // no explicit cpuset: cannot fail
  out.push_back({"placement", true, std::to_string(env.cpus.size()) + " CPUs: " + placement->reason, {}});
  return out;
}

}  // namespace deploybench::target
