// The command lines targets run, pinned without running them.
#include <catch2/catch.hpp>

#include "core/text.h"
#include "target/container_cli.h"
#include "target/container_target.h"
#include "target/local_target.h"
#include "target/target.h"
#include "target/vm_target.h"

using namespace deploybench;
using namespace deploybench::target;

namespace {
std::string joined(const std::vector<std::string>& v) { return join(v, " "); }
}  // namespace

TEST_CASE("container run argv: locked down, limited, labelled, loopback only", "[target][container]") {
  ContainerConfig c;
  c.limits.cpus = 1.5;
  c.limits.memory_bytes = 512ull << 20;
  c.watchdog = std::chrono::minutes{10};
  TargetConfig config{"ctr", c, {}, {}, std::chrono::seconds{5}};
  const ContainerRun run{"db-x", "localhost/deploybench/refbot:abc", 40123, "1", {{"deploybench", "1"}}};
  CHECK(joined(container_run_argv(config, run)) ==
        "podman run -d --rm --name db-x --label deploybench=1 --timeout 600 --read-only --cpus 1.5 --memory "
        "536870912b --cpuset-cpus 1 -p 127.0.0.1:40123:8080 localhost/deploybench/refbot:abc serve --host 0.0.0.0 "
        "--port 8080 --preset tiny --precision int8 --threads 1 --max-batch 8");
}

TEST_CASE("container run argv: docker has no watchdog; user images get their own args", "[target][container]") {
  ContainerConfig c;
  c.runtime = "docker";
  c.image = "my/server:1";
  c.port = 9000;
  c.args = {"--listen", ":{port}"};
  TargetConfig config{"ctr", c, {}, {}, std::chrono::seconds{5}};
  const ContainerRun run{"db-y", "", 40000, "", {}};
  CHECK(joined(container_run_argv(config, run)) ==
        "docker run -d --rm --name db-y -p 127.0.0.1:40000:9000 my/server:1 --listen :9000");
  std::get<ContainerConfig>(config.kind).host_network = true;
  CHECK(joined(container_run_argv(config, run)) ==
        "docker run -d --rm --name db-y --network host my/server:1 --listen :40000");
}

TEST_CASE("container CLI differences: docker has no image exists, no rm -t, and a separate daemon version",
          "[target][container]") {
  CHECK(joined(image_present_argv("podman", "x:1")) == "podman image inspect --format {{.Id}} x:1");
  CHECK(joined(image_present_argv("docker", "x:1")) == "docker image inspect --format {{.Id}} x:1");
  CHECK(joined(container_remove_argv("podman", "c", 3)) == "podman rm -f -t 3 c");
  CHECK(joined(container_remove_argv("docker", "c", 3)) == "docker rm -f c");
  CHECK(joined(runtime_version_argv("podman")) == "podman --version");
  CHECK_THAT(joined(runtime_version_argv("docker")), Catch::Contains("{{.Server.Version}}"));
  CHECK(says_no_such_container("Error: No such container: c"));                                         // docker
  CHECK(says_no_such_container("Error: no container with name or ID \"c\" found: no such container"));  // podman
  CHECK_FALSE(says_no_such_container("Error response from daemon: removal of container c is already in progress"));
}

TEST_CASE("qemu argv: TCG, PVH kernel, slirp forward on loopback, model on the kernel command line", "[target][vm]") {
  VmConfig vm;
  vm.vcpus = 2;
  vm.memory_bytes = 512ull << 20;
  TargetConfig config{"vm", vm, {}, {}, std::chrono::seconds{5}};
  config.model.preset = "small";
  const QemuLaunch launch{"tcg", "/k/vmlinux", "/k/init.gz", "/w/serial.log", "/s/q.qmp", 40001, "deploybench-x"};
  const auto argv = joined(qemu_argv(config, launch));
  CHECK_THAT(argv, Catch::StartsWith("qemu-system-x86_64 -accel tcg,thread=multi -M pc -cpu max -smp 2 -m 512 "));
  CHECK_THAT(argv, Catch::Contains("-kernel /k/vmlinux -initrd /k/init.gz"));
  CHECK_THAT(argv, Catch::Contains("dbpreset=small dbprecision=int8 dbthreads=1 dbbatch=8"));
  CHECK_THAT(argv, Catch::Contains("hostfwd=tcp:127.0.0.1:40001-:8080"));
  CHECK_THAT(argv, Catch::Contains("-qmp unix:/s/q.qmp,server=on,wait=off"));
  const QemuLaunch kvm{"kvm", "/k/vmlinux", "/k/init.gz", "/w/serial.log", "/s/q.qmp", 40001, "deploybench-x"};
  CHECK_THAT(joined(qemu_argv(config, kvm)), Catch::StartsWith("qemu-system-x86_64 -accel kvm -M pc -cpu host "));
  std::get<VmConfig>(config.kind).cpu = "qemu64";  // chosen by the user: used under either accelerator
  CHECK_THAT(joined(qemu_argv(config, launch)), Catch::Contains(" -cpu qemu64 -smp 2 "));
  CHECK_THAT(joined(qemu_argv(config, kvm)), Catch::Contains(" -cpu qemu64 -smp 2 "));
}

TEST_CASE("local argv: refbot on loopback, or the user's command with {port}", "[target][local]") {
  TargetConfig config{"l", LocalConfig{}, {}, {}, std::chrono::seconds{5}};
  CHECK(joined(local_argv(config, "/b/refbot", 4000)) ==
        "/b/refbot serve --host 127.0.0.1 --port 4000 --preset tiny --precision int8 --threads 1 --max-batch 8");
  std::get<LocalConfig>(config.kind).command = {"python3", "-m", "http.server", "{port}"};
  CHECK(joined(local_argv(config, "/b/refbot", 4000)) == "python3 -m http.server 4000");
}

namespace {
/// Records every command a target would run and runs none of them.
class RecordingRunner final : public ProcessRunner {
 public:
  std::vector<std::string> commands;
  Result<CommandResult> run(const CommandSpec& spec) override {
    commands.push_back(joined(spec.argv));
    return make_error(ErrorCode::Failed, "not run in this test");
  }
  Result<pid_t> spawn(const SpawnSpec& spec) override {
    commands.push_back(joined(spec.argv));
    return make_error(ErrorCode::Failed, "not run in this test");
  }
  std::optional<int> try_wait(pid_t) override { return 0; }
  void terminate(pid_t, Nanos) override {}
};
}  // namespace

TEST_CASE("container and vm targets refuse a cpuset naming CPUs the host lacks, before running anything",
          "[target][container][vm][cpuset]") {
  RecordingRunner runner;
  Environment env;
  env.processes = &runner;
  env.cpus = {0, 1};
  env.state_dir = std::filesystem::temp_directory_path() / "deploybench-cpuset-test-state";
  ContainerConfig c;
  c.limits.cpuset = "7";
  VmConfig v;
  v.cpuset = "1-2";
  for (const TargetConfig& config : {TargetConfig{"ctr", c, {}, {}, std::chrono::seconds{5}},
                                     TargetConfig{"vm", v, {}, {}, std::chrono::seconds{5}}}) {
    auto target = make_target(config, env);
    REQUIRE(target.ok());
    const auto endpoint = (*target)->deploy({"run-cpuset", {}});
    REQUIRE_FALSE(endpoint.ok());
    CHECK_THAT(endpoint.error().message, Catch::Contains("which this host does not offer (available CPUs: 0-1)"));
    CHECK(runner.commands.empty());
    CHECK((*target)->teardown().ok());
  }
}
