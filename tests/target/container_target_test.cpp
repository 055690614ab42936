// Integration: the container target runs real podman containers.
#include "target/container_target.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "core/sha256.h"
#include "http_test_client.h"
#include "target/cleanup.h"
#include "target/deploy_util.h"
#include "target/state.h"
#include "test_env.h"

using namespace deploybench;
using namespace deploybench::target;
using namespace deploybench::target::testing;

namespace {

std::string podman(const Environment& env, std::vector<std::string> args) {
  args.insert(args.begin(), "podman");
  auto r = env.processes->run({args, std::chrono::seconds{60}, {}});
  return r ? r->output : "error: " + r.error().message;
}

std::string containers_of_run(const Environment& env, const std::string& run_id) {
  return podman(env, {"ps", "-aq", "--filter", "label=deploybench.run=" + run_id});
}

TargetConfig bundled_container(const std::string& name) {
  ContainerConfig ctr;
  ctr.limits.cpus = 1.0;
  ctr.limits.memory_bytes = 256ull << 20;
  ctr.watchdog = std::chrono::minutes{5};
  return TargetConfig{name, ctr, {}, {}, std::chrono::seconds{30}};
}

}  // namespace

TEST_CASE("podman is installed and usable", "[target][container]") {
  TestEnv t;
  INFO("podman is required for container targets: run scripts/setup.sh");
  REQUIRE(find_executable("podman"));
  auto r = t.processes.run({{"podman", "info", "--format", "{{.Host.OCIRuntime.Name}}"}, std::chrono::seconds{60}, {}});
  REQUIRE(r.ok());
  INFO(r->output);
  CHECK(r->exit_code == 0);
}

TEST_CASE("container target builds the image, runs it locked down, samples its cgroup and removes it",
          "[target][container]") {
  TestEnv t;
  const auto tag = bundled_image_tag(
      artifact_key(*sha256_file(t.env.refbot_static), t.env.project_dir / "scripts" / "build-image.sh"));
  podman(t.env, {"rmi", "-f", tag});  // measure a real build
  auto target = make_target(bundled_container("ctr"), t.env);
  REQUIRE(target.ok());
  deploy_load_sample(**target, {"run-ctr-test", t.dir.path()});
  const auto life = (*target)->lifecycle();
  CHECK_FALSE(life.build_cached);
  CHECK(life.build > Nanos{0});
  CHECK(life.deploy_to_ready > Nanos{0});
  const auto info = (*target)->describe();
  const auto name = info.details.at("container");
  CHECK(info.details.at("image") == tag);
  CHECK(info.details.count("image_id") == 1);
  const auto inspected =
      podman(t.env, {"inspect", "--format",
                     "{{.HostConfig.ReadonlyRootfs}} {{.Config.User}} "
                     "{{index .Config.Labels \"deploybench.run\"}} {{.HostConfig.NanoCpus}} "
                     "{{.HostConfig.Memory}} {{(index (index .HostConfig.PortBindings \"8080/tcp\") 0).HostIP}}",
                     name});
  CHECK_THAT(inspected, Catch::StartsWith("true 65534:65534 run-ctr-test 1000000000 268435456 127.0.0.1"));
  REQUIRE((*target)->teardown().ok());
  CHECK(containers_of_run(t.env, "run-ctr-test").empty());
  CHECK(load_states(t.env.state_dir).empty());
  CHECK((*target)->teardown().ok());

  // The second deployment reuses the image.
  auto again = make_target(bundled_container("ctr2"), t.env);
  REQUIRE(again.ok());
  REQUIRE((*again)->deploy({"run-ctr-test2", t.dir.path()}).ok());
  CHECK((*again)->lifecycle().build_cached);
  CHECK((*again)->lifecycle().build == Nanos{0});
  CHECK((*again)->teardown().ok());
  CHECK(containers_of_run(t.env, "run-ctr-test2").empty());
}

TEST_CASE("a container whose harness was SIGKILLed is removed by cleanup", "[target][container][cleanup]") {
  TestEnv t;
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  const pid_t harness = fork();
  REQUIRE(harness >= 0);
  if (harness == 0) {
    SystemProcessRunner processes;
    Environment env = t.env;
    env.processes = &processes;
    auto target = make_target(bundled_container("orphan"), env);
    const char ok = target.ok() && (*target)->deploy({"run-ctr-killed", {}}).ok() ? 1 : 0;
    (void)!write(pipe_fds[1], &ok, 1);
    pause();
    _exit(0);
  }
  close(pipe_fds[1]);
  char ok = 0;
  REQUIRE(read(pipe_fds[0], &ok, 1) == 1);
  close(pipe_fds[0]);
  REQUIRE(ok == 1);
  kill(harness, SIGKILL);
  waitpid(harness, nullptr, 0);
  // conmon is double-forked: the container outlives its harness until cleanup (or the watchdog).
  CHECK_FALSE(containers_of_run(t.env, "run-ctr-killed").empty());
  const auto report = cleanup_strays(t.env);
  for (const auto& e : report.errors) UNSCOPED_INFO(e);
  CHECK(report.clean());
  CHECK(report.containers_removed >= 1);
  CHECK(containers_of_run(t.env, "run-ctr-killed").empty());
  CHECK(load_states(t.env.state_dir).empty());
}
