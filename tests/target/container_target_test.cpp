// Integration: the container target runs real podman containers, and real docker ones (the
// docker CLI against dockerd from Debian's docker.io, started by scripts/setup.sh).
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

std::string runtime_cli(const Environment& env, const std::string& runtime, std::vector<std::string> args) {
  args.insert(args.begin(), runtime);
  auto r = env.processes->run({args, std::chrono::seconds{60}, {}});
  return r ? r->output : "error: " + r.error().message;
}

std::string containers_of_run(const Environment& env, const std::string& runtime, const std::string& run_id) {
  return runtime_cli(env, runtime, {"ps", "-aq", "--filter", "label=deploybench.run=" + run_id});
}

TargetConfig bundled_container(const std::string& name, const std::string& runtime) {
  ContainerConfig ctr;
  ctr.runtime = runtime;
  ctr.limits.cpus = 1.0;
  ctr.limits.memory_bytes = 256ull << 20;
  ctr.watchdog = std::chrono::minutes{5};
  return TargetConfig{name, ctr, {}, {}, std::chrono::seconds{30}};
}

}  // namespace

namespace {

/// The runtime's CLI is installed and its engine answers `argv` (exit 0).
void check_runtime_answers(const std::vector<std::string>& argv) {
  TestEnv t;
  INFO("container targets need " << argv[0] << ": scripts/setup.sh installs it (and starts dockerd)");
  REQUIRE(find_executable(argv[0]));
  auto r = t.processes.run({argv, std::chrono::seconds{60}, {}});
  REQUIRE(r.ok());
  INFO(r->output);
  CHECK(r->exit_code == 0);
}

}  // namespace

TEST_CASE("podman is installed and usable", "[target][container]") {
  check_runtime_answers({"podman", "info", "--format", "{{.Host.OCIRuntime.Name}}"});
}

TEST_CASE("docker's daemon is running and answers the docker CLI", "[target][container][docker]") {
  check_runtime_answers({"docker", "version", "--format", "{{.Server.Version}}"});
}

namespace {

/// Build (uncached), deploy, inspect the lock-down, sample, tear down; then a cached redeploy.
void check_container_lifecycle(const std::string& runtime) {
  INFO("runtime " << runtime);
  TestEnv t;
  const auto tag = bundled_image_tag(
      artifact_key(*sha256_file(t.env.refbot_static), t.env.project_dir / "scripts" / "build-image.sh"));
  runtime_cli(t.env, runtime, {"rmi", "-f", tag});  // measure a real build
  auto target = make_target(bundled_container("ctr", runtime), t.env);
  REQUIRE(target.ok());
  const std::string run_id = "run-ctr-test-" + runtime;
  deploy_load_sample(**target, {run_id, t.dir.path()});
  const auto life = (*target)->lifecycle();
  CHECK_FALSE(life.build_cached);
  CHECK(life.build > Nanos{0});
  CHECK(life.deploy_to_ready > Nanos{0});
  const auto info = (*target)->describe();
  const auto name = info.details.at("container");
  CHECK(info.details.at("image") == tag);
  CHECK(info.details.count("image_id") == 1);
  CHECK(info.details.at("runtime") == runtime);
  CHECK_FALSE(info.details.at("runtime_version").empty());
  CHECK_THAT(info.details.at("served_model"), Catch::StartsWith("tiny int8 (") && Catch::Contains(" kernels, "));
  const std::string host_ip_key = runtime == "docker" ? "HostIp" : "HostIP";  // as each spells it
  const auto inspected = runtime_cli(
      t.env, runtime,
      {"inspect", "--format",
       "{{.HostConfig.ReadonlyRootfs}} {{.Config.User}} {{index .Config.Labels \"deploybench.run\"}} "
       "{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}} {{(index (index .HostConfig.PortBindings \"8080/tcp\") 0)." +
           host_ip_key + "}}",
       name});
  CHECK_THAT(inspected, Catch::StartsWith("true 65534:65534 " + run_id + " 1000000000 268435456 127.0.0.1"));
  CHECK((*target)->alive().ok());
  REQUIRE((*target)->teardown().ok());
  CHECK(containers_of_run(t.env, runtime, run_id).empty());
  CHECK(load_states(t.env.state_dir).empty());
  CHECK((*target)->teardown().ok());

  // The second deployment reuses the image.
  auto again = make_target(bundled_container("ctr2", runtime), t.env);
  REQUIRE(again.ok());
  REQUIRE((*again)->deploy({run_id + "-again", t.dir.path()}).ok());
  CHECK((*again)->lifecycle().build_cached);
  CHECK((*again)->lifecycle().build == Nanos{0});
  // A container that dies mid-run (OOM, a crash) is reported as stopped, and teardown still works.
  runtime_cli(t.env, runtime, {"kill", (*again)->describe().details.at("container")});
  const Status up = wait_until_stopped(**again, std::chrono::seconds{5});
  REQUIRE_FALSE(up.ok());
  CHECK_THAT(up.error().message, Catch::Contains("is no longer running"));
  CHECK((*again)->teardown().ok());
  CHECK(containers_of_run(t.env, runtime, run_id + "-again").empty());
}

/// A harness SIGKILLed after deploying leaves its container running; cleanup removes it.
void check_orphan_cleanup(const std::string& runtime) {
  INFO("runtime " << runtime);
  TestEnv t;
  const std::string run_id = "run-ctr-killed-" + runtime;
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  const pid_t harness = fork();
  REQUIRE(harness >= 0);
  if (harness == 0) {
    SystemProcessRunner processes;
    Environment env = t.env;
    env.processes = &processes;
    auto target = make_target(bundled_container("orphan", runtime), env);
    const char ok = target.ok() && (*target)->deploy({run_id, {}}).ok() ? 1 : 0;
    (void)!write(pipe_fds[1], &ok, 1);
    if (ok == 1) pause();
    _exit(ok == 1 ? 0 : 1);
  }
  close(pipe_fds[1]);
  char ok = 0;
  const auto got = read(pipe_fds[0], &ok, 1);
  close(pipe_fds[0]);
  // Killed before any REQUIRE can end the test: a child left in pause() would hold the test's
  // stdout open and hang whatever reads it.
  kill(harness, SIGKILL);
  waitpid(harness, nullptr, 0);
  REQUIRE(got == 1);
  INFO("the forked harness could not deploy (is the " << runtime << " daemon running? scripts/setup.sh starts it)");
  REQUIRE(ok == 1);
  // podman's conmon is double-forked and dockerd owns docker's: the container outlives its
  // harness until cleanup (or podman's watchdog).
  CHECK_FALSE(containers_of_run(t.env, runtime, run_id).empty());
  const auto report = cleanup_strays(t.env);
  for (const auto& e : report.errors) UNSCOPED_INFO(e);
  CHECK(report.clean());
  CHECK(report.containers_removed >= 1);
  CHECK(containers_of_run(t.env, runtime, run_id).empty());
  CHECK(load_states(t.env.state_dir).empty());
}

}  // namespace

TEST_CASE("podman: the container target builds the image, runs it locked down, samples its cgroup and removes it",
          "[target][container]") {
  check_container_lifecycle("podman");
}

TEST_CASE("docker: the container target builds the image, runs it locked down, samples its cgroup and removes it",
          "[target][container][docker]") {
  check_container_lifecycle("docker");
}

TEST_CASE("podman: a user image that is neither present nor pullable is named, before anything runs",
          "[target][container]") {
  TestEnv t;
  ContainerConfig ctr;
  ctr.image = "localhost/deploybench/no-such-image:h1";
  ctr.args = {"serve", "--port", "{port}"};
  auto target = make_target(TargetConfig{"mine", ctr, {}, {}, std::chrono::seconds{30}}, t.env);
  REQUIRE(target.ok());
  auto e = (*target)->deploy({"run-ctr-missing-image", t.dir.path()});
  REQUIRE_FALSE(e.ok());
  CHECK(e.error().code == ErrorCode::NotFound);
  CHECK_THAT(e.error().message, Catch::StartsWith("image 'localhost/deploybench/no-such-image:h1' is not present and "
                                                  "podman pull failed"));
  CHECK_THAT(e.error().hint, Catch::Contains("podman pull localhost/deploybench/no-such-image:h1"));
  CHECK((*target)->teardown().ok());
  CHECK(containers_of_run(t.env, "podman", "run-ctr-missing-image").empty());
  CHECK(load_states(t.env.state_dir).empty());
}

TEST_CASE("podman: a container whose harness was SIGKILLed is removed by cleanup", "[target][container][cleanup]") {
  check_orphan_cleanup("podman");
}

TEST_CASE("docker: a container whose harness was SIGKILLed is removed by cleanup",
          "[target][container][cleanup][docker]") {
  check_orphan_cleanup("docker");
}
