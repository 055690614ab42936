// Integration: the local target runs real processes on loopback.
#include <fmt/core.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

#include "http_test_client.h"
#include "target/cleanup.h"
#include "target/cpuset.h"
#include "target/proc_stats.h"
#include "target/state.h"
#include "target/target.h"
#include "test_env.h"

using namespace deploybench;
using namespace deploybench::target;
using namespace deploybench::target::testing;

namespace {

TargetConfig stub_local(const std::string& name) {
  LocalConfig local;
  local.command = {stub_server().string(), "--port", "{port}"};
  return TargetConfig{name, local, {}, {}, std::chrono::seconds{10}};
}

pid_t pid_from_state(const Environment& env) {
  const auto records = load_states(env.state_dir);
  return records.empty() ? 0 : records.front().pid;
}

}  // namespace

TEST_CASE("local target runs the user's own command, samples it and tears it down", "[target][local]") {
  TestEnv t;
  auto target = make_target(stub_local("mine"), t.env);
  REQUIRE(target.ok());
  deploy_load_sample(**target, {"run-local", t.dir.path() / "work"});
  const auto info = (*target)->describe();
  CHECK(info.kind == "local");
  CHECK(info.details.at("binary_sha256").size() == 64);
  CHECK(info.details.count("placement") == 1);
  CHECK(info.details.count("served_model") == 0);
  const auto life = (*target)->lifecycle();
  CHECK(life.deploy_to_ready > Nanos{0});
  CHECK(life.idle_rss_bytes > 0);
  const pid_t pid = pid_from_state(t.env);
  REQUIRE(pid > 0);
  CHECK(process_alive(pid));
  REQUIRE((*target)->teardown().ok());
  CHECK_FALSE(process_alive(pid));
  CHECK(load_states(t.env.state_dir).empty());
  CHECK((*target)->teardown().ok());  // idempotent
  CHECK_FALSE((*target)->sample_resources().ok());
}

TEST_CASE("local target applies cgroup CPU and memory limits and removes the cgroup", "[target][local][cgroup]") {
  TestEnv t;
  auto config = stub_local("limited");
  auto& limits = std::get<LocalConfig>(config.kind).limits;
  limits.cpus = 0.5;
  limits.memory_bytes = 64ull << 20;
  auto target = make_target(config, t.env);
  REQUIRE(target.ok());
  auto endpoint = (*target)->deploy({"run-cg", {}});
  REQUIRE(endpoint.ok());
  const auto records = load_states(t.env.state_dir);
  REQUIRE(records.size() == 1);
  REQUIRE_FALSE(records[0].cgroup_dirs.empty());
  for (const auto& dir : records[0].cgroup_dirs) CHECK(std::filesystem::exists(dir));
  // A 1 s burn under a 50% quota gets about 0.5 s of CPU.
  const auto before = (*target)->sample_resources();
  REQUIRE(http(endpoint->base_url + "/burn?ms=1000").status == 200);
  const auto after = (*target)->sample_resources();
  REQUIRE(before.ok());
  REQUIRE(after.ok());
  // The quota caps what the burn can get whatever else runs; the lower bound only says the burn
  // ran (on a loaded machine the target's pinned CPU may give it much less than its quota).
  const double used = after->cpu_seconds - before->cpu_seconds;
  CHECK(used > 0.0);
  CHECK(used < 0.8);
  bool quota_checked = false;
  for (const auto& dir : records[0].cgroup_dirs) {
    std::ifstream v1_quota(dir / "cpu.cfs_quota_us"), v1_period(dir / "cpu.cfs_period_us"), v2(dir / "cpu.max");
    long quota = 0, period = 0;
    if (v1_quota >> quota && v1_period >> period) {
      CHECK(static_cast<double>(quota) / static_cast<double>(period) == Approx(0.5));
      quota_checked = true;
    } else if (v2 >> quota >> period) {
      CHECK(static_cast<double>(quota) / static_cast<double>(period) == Approx(0.5));
      quota_checked = true;
    }
  }
  CHECK(quota_checked);
  REQUIRE((*target)->teardown().ok());
  for (const auto& dir : records[0].cgroup_dirs) CHECK_FALSE(std::filesystem::exists(dir));
}

TEST_CASE("local deploy failures name the cause and teardown still works", "[target][local]") {
  TestEnv t;
  SECTION("the command exits before it is ready") {
    LocalConfig local;
    local.command = {"sh", "-c", "echo boom-{port} >&2; exit 3"};
    auto target = make_target({"dies", local, {}, {}, std::chrono::seconds{5}}, t.env);
    REQUIRE(target.ok());
    auto e = (*target)->deploy({"run-x", {}});
    REQUIRE_FALSE(e.ok());
    CHECK_THAT(e.error().message, Catch::Contains("exited with status 3"));
    CHECK_THAT(e.error().message, Catch::Contains("boom-"));
    CHECK((*target)->teardown().ok());
  }
  SECTION("the command does not exist") {
    LocalConfig local;
    local.command = {"/nonexistent/server"};
    auto target = make_target({"missing", local, {}, {}, std::chrono::seconds{5}}, t.env);
    REQUIRE(target.ok());
    auto e = (*target)->deploy({"run-x", {}});
    REQUIRE_FALSE(e.ok());
    CHECK_THAT(e.error().message, Catch::Contains("/nonexistent/server"));
    CHECK((*target)->teardown().ok());
  }
  SECTION("the cpuset names a CPU this host does not have") {
    auto config = stub_local("pinned");
    const int missing = t.env.cpus.back() + 1;
    std::get<LocalConfig>(config.kind).limits.cpuset = std::to_string(missing);
    auto target = make_target(config, t.env);
    REQUIRE(target.ok());
    auto e = (*target)->deploy({"run-x", {}});
    REQUIRE_FALSE(e.ok());
    CHECK_THAT(e.error().message, Catch::Contains(fmt::format("cpuset '{}' names CPU {}", missing, missing)) &&
                                      Catch::Contains("available CPUs: " + format_cpuset(t.env.cpus)));
    CHECK((*target)->teardown().ok());
  }
  SECTION("the server never becomes ready") {
    LocalConfig local;
    local.command = {"sleep", "30"};
    auto target = make_target({"slow", local, {}, {}, std::chrono::milliseconds{700}}, t.env);
    REQUIRE(target.ok());
    auto e = (*target)->deploy({"run-x", {}});
    REQUIRE_FALSE(e.ok());
    CHECK(e.error().code == ErrorCode::Timeout);
    const pid_t pid = pid_from_state(t.env);
    CHECK((*target)->teardown().ok());
    CHECK_FALSE(process_alive(pid));
  }
  SECTION("Ctrl-C ends the readiness wait at once, not at ready_timeout") {
    LocalConfig local;
    local.command = {"sleep", "30"};
    auto target = make_target({"slow", local, {}, {}, std::chrono::seconds{60}}, t.env);
    REQUIRE(target.ok());
    std::atomic<bool> interrupted{false};
    std::thread ctrl_c([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds{300});
      interrupted = true;
    });
    const auto t0 = SteadyClock::now();
    auto e = (*target)->deploy({"run-x", {}, &interrupted});
    const auto took = SteadyClock::now() - t0;
    ctrl_c.join();
    REQUIRE_FALSE(e.ok());
    CHECK_THAT(e.error().message, Catch::Contains("interrupted while waiting for GET http://127.0.0.1:"));
    CHECK(took < std::chrono::seconds{2});  // one probe (500 ms timeout) at most
    const pid_t pid = pid_from_state(t.env);
    CHECK((*target)->teardown().ok());
    CHECK_FALSE(process_alive(pid));
  }
  CHECK(load_states(t.env.state_dir).empty());
}

TEST_CASE("a local target that dies after deploy says how, and teardown still cleans up", "[target][local]") {
  TestEnv t;
  auto config = stub_local("dies-later");
  std::get<LocalConfig>(config.kind).limits.memory_bytes = 128ull << 20;  // a cgroup to remove too
  auto target = make_target(config, t.env);
  REQUIRE(target.ok());
  REQUIRE((*target)->deploy({"run-dies", t.dir.path() / "work"}).ok());
  CHECK((*target)->alive().ok());
  const auto records = load_states(t.env.state_dir);
  REQUIRE(records.size() == 1);
  REQUIRE(kill(records[0].pid, SIGKILL) == 0);
  const Status up = wait_until_stopped(**target, std::chrono::seconds{2});
  REQUIRE_FALSE(up.ok());
  CHECK_THAT(up.error().message, Catch::StartsWith("'dies-later' exited with status 137"));
  CHECK_FALSE((*target)->alive().ok());  // stays stopped; never waits on another child
  CHECK_FALSE((*target)->sample_resources().ok());
  CHECK((*target)->teardown().ok());
  CHECK(load_states(t.env.state_dir).empty());
  for (const auto& dir : records[0].cgroup_dirs) CHECK_FALSE(std::filesystem::exists(dir));
}

TEST_CASE(
    "a SIGKILLed harness leaves nothing running, and cleanup removes its "
    "records",
    "[target][local][cleanup]") {
  TestEnv t;
  int pipe_fds[2];
  REQUIRE(pipe(pipe_fds) == 0);
  const pid_t harness = fork();
  REQUIRE(harness >= 0);
  if (harness == 0) {  // the "harness": deploys, reports the server's pid, waits
                       // to be killed
    SystemProcessRunner processes;
    Environment env = t.env;
    env.processes = &processes;
    auto config = stub_local("orphan");
    std::get<LocalConfig>(config.kind).limits.memory_bytes = 128ull << 20;  // also leaves a cgroup
    auto target = make_target(config, env);
    auto ep = target.ok() ? (*target)->deploy({"run-killed", {}}) : Result<Endpoint>(target.error());
    const pid_t server = ep.ok() ? pid_from_state(env) : -1;
    (void)!write(pipe_fds[1], &server, sizeof server);
    pause();
    _exit(0);
  }
  close(pipe_fds[1]);
  pid_t server = 0;
  REQUIRE(read(pipe_fds[0], &server, sizeof server) == sizeof server);
  close(pipe_fds[0]);
  REQUIRE(server > 0);
  CHECK(process_alive(server));
  kill(harness, SIGKILL);
  waitpid(harness, nullptr, 0);
  // PR_SET_PDEATHSIG kills the server with its harness.
  for (int i = 0; i < 100 && process_alive(server); ++i) std::this_thread::sleep_for(std::chrono::milliseconds{10});
  CHECK_FALSE(process_alive(server));
  const auto records = load_states(t.env.state_dir);
  REQUIRE(records.size() == 1);
  CHECK_FALSE(owner_alive(records[0]));
  // --dry-run lists the record (its process is already gone) and removes nothing.
  const auto dry = cleanup_strays(t.env, {false, true});
  CHECK(std::count(dry.actions.begin(), dry.actions.end(),
                   "remove state record " + records[0].file.string() + " (local target 'orphan' of run run-killed)") ==
        1);
  CHECK(dry.records_removed == 0);
  CHECK(load_states(t.env.state_dir).size() == 1);
  const auto report = cleanup_strays(t.env);
  for (const auto& e : report.errors) UNSCOPED_INFO(e);
  CHECK(report.clean());
  CHECK(report.records_removed == 1);
  CHECK(load_states(t.env.state_dir).empty());
  for (const auto& dir : records[0].cgroup_dirs) CHECK_FALSE(std::filesystem::exists(dir));
}

TEST_CASE("local target serves the bundled refbot on loopback, pinned by the placement", "[target][local][refbot]") {
  TestEnv t;
  INFO("refbot: " << t.env.refbot);
  REQUIRE(std::filesystem::exists(t.env.refbot));
  auto target = make_target({"refbot", LocalConfig{}, {}, {}, std::chrono::seconds{60}}, t.env);
  REQUIRE(target.ok());
  deploy_load_sample(**target, {"run-refbot", {}});
  const auto info = (*target)->describe();
  CHECK(info.details.at("binary") == t.env.refbot.string());
  CHECK_THAT(info.details.at("command"), Catch::Contains("serve --host 127.0.0.1 --port"));
  // What refbot says it runs, from its /v1/models (the user's stub server above has none).
  CHECK_THAT(info.details.at("served_model"),
             Catch::StartsWith("tiny int8 (") && Catch::Contains(" kernels, 1 threads)"));
  if (t.env.cpus.size() >= 2 && t.env.cpus.size() <= kPinApartMaxCpus) {
    CHECK(info.details.at("cpuset") != "all");
    cpu_set_t mask;
    CPU_ZERO(&mask);
    REQUIRE(sched_getaffinity(pid_from_state(t.env), sizeof mask, &mask) == 0);
    CHECK_FALSE(CPU_ISSET(t.env.cpus.front(), &mask));  // the harness's CPU is not the target's
  }
  CHECK((*target)->teardown().ok());
}
