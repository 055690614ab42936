#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "target/cgroup.h"
#include "target/cpuset.h"
#include "target/deploy_util.h"
#include "target/http_probe.h"
#include "target/proc_stats.h"
#include "target/process.h"
#include "target/state.h"

using namespace deploybench::target;

TEST_CASE("parse /proc/PID/stat past a command name with spaces and parentheses", "[target][proc]") {
  // Fields: pid (comm) state ppid ... utime(14) stime(15) cutime(16) cstime(17)
  // ... starttime(22)
  const std::string text =
      "42 (my (odd) srv) S 7 42 42 0 -1 4194560 100 0 0 0 "
      "250 50 10 5 20 0 3 0 123456 1000 200";
  const auto st = parse_proc_stat(text);
  REQUIRE(st);
  CHECK(st->state == 'S');
  CHECK(st->ppid == 7);
  CHECK(st->start_ticks == 123456);
  CHECK(st->cpu_seconds == Approx(315.0 / static_cast<double>(sysconf(_SC_CLK_TCK))));
  CHECK_FALSE(parse_proc_stat("garbage"));
}

TEST_CASE("this process is alive and has usage", "[target][proc]") {
  CHECK(process_alive(getpid()));
  const auto st = read_proc_stat(getpid());
  REQUIRE(st);
  CHECK(process_alive(getpid(), st->start_ticks));
  CHECK_FALSE(process_alive(getpid(), st->start_ticks + 1));  // same pid, different process
  const auto u = read_process_usage(getpid());
  REQUIRE(u.ok());
  CHECK(u->rss_bytes > 0);
  CHECK(process_tree(getpid()).front() == getpid());
}

TEST_CASE("prometheus values are read from the text format", "[target][metrics]") {
  const std::string text =
      "# HELP refbot_process_cpu_seconds_total CPU\n"
      "refbot_process_cpu_seconds_total_extra 9\n"
      "refbot_process_cpu_seconds_total 1.25\n"
      "refbot_process_resident_memory_bytes 1.2e+07\n";
  CHECK(prometheus_value(text, "refbot_process_cpu_seconds_total") == Approx(1.25));
  CHECK(prometheus_value(text, "refbot_process_resident_memory_bytes") == Approx(1.2e7));
  CHECK_FALSE(prometheus_value(text, "missing"));
}

TEST_CASE("cgroup mounts: v1 hierarchies on a hybrid host", "[target][cgroup]") {
  const std::string mountinfo =
      "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
      "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup "
      "rw,cpuacct\n"
      "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup "
      "rw,memory\n"
      "41 31 0:38 / /nonexistent/unified rw,relatime - cgroup2 cgroup2 rw\n";
  const auto m = parse_cgroup_mounts(mountinfo);
  CHECK_FALSE(m.v2);
  CHECK(m.cpu == std::filesystem::path("/sys/fs/cgroup/cpu"));
  CHECK(m.cpuacct == std::filesystem::path("/sys/fs/cgroup/cpuacct"));
  CHECK(m.memory == std::filesystem::path("/sys/fs/cgroup/memory"));
  CHECK_THAT(describe_cgroups(m), Catch::StartsWith("v1"));
  const auto combined = parse_cgroup_mounts("1 1 0:1 / /cg/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n");
  CHECK(combined.cpu == combined.cpuacct);
  CHECK_THAT(describe_cgroups(parse_cgroup_mounts("")), Catch::StartsWith("none"));
}

TEST_CASE("state records round-trip", "[target][state]") {
  auto r = new_state_record("run-1", "vm", "vm");
  r.pid = 1234;
  r.pid_start = 99;
  r.container_runtime = "podman";
  r.container_id = "abc";
  r.cgroup_dirs = {"/sys/fs/cgroup/cpu/deploybench/x", "/sys/fs/cgroup/memory/deploybench/x"};
  r.leftovers = {"/tmp/deploybench-state/run-1-vm.qmp"};
  const auto back = parse_state(serialize_state(r));
  REQUIRE(back.ok());
  CHECK(back->run_id == "run-1");
  CHECK(back->owner_pid == getpid());
  CHECK(back->owner_start == r.owner_start);
  CHECK(back->pid == 1234);
  CHECK(back->pid_start == 99);
  CHECK(back->container_id == "abc");
  CHECK(back->cgroup_dirs == r.cgroup_dirs);
  CHECK(back->leftovers == r.leftovers);
  CHECK(owner_alive(*back));
  CHECK_FALSE(parse_state("pid=notanumber\n").ok());
}

TEST_CASE("deployment helpers", "[target][util]") {
  CHECK(substitute_port({"srv", "--port={port}", "{port}:{port}"}, 81) ==
        std::vector<std::string>{"srv", "--port=81", "81:81"});
  CHECK(deployment_name("Run 1", "My/VM") == "run_1-my_vm");
  CHECK(deployment_name(std::string(60, 'a'), "vm").size() == 48);
  deploybench::target::ModelSpec m;
  const auto args = refbot_serve_args(m, "0.0.0.0", 8080);
  CHECK(args == std::vector<std::string>{"serve", "--host", "0.0.0.0", "--port", "8080", "--preset", "tiny",
                                         "--precision", "int8", "--threads", "1", "--max-batch", "8"});
  const auto port = pick_free_port();
  REQUIRE(port.ok());
  CHECK(*port > 0);
}

TEST_CASE("a child that cannot be pinned to its cpuset is not started", "[target][process][cpuset]") {
  // CPU 1023 (the last a cpu_set_t holds) is offline on any machine these tests run on.
  const auto online = online_cpus();
  REQUIRE(std::find(online.begin(), online.end(), 1023) == online.end());
  SystemProcessRunner processes;
  const auto pid = processes.spawn({{"true"}, {}, {}, "1023"});
  REQUIRE_FALSE(pid.ok());
  CHECK_THAT(pid.error().message, Catch::Contains("cannot pin '") && Catch::Contains("to cpuset '1023'") &&
                                      Catch::Contains("CPUs online on this host: " + format_cpuset(online)));
  const auto pinned = processes.spawn({{"true"}, {}, {}, std::to_string(online.front())});
  REQUIRE(pinned.ok());
  processes.terminate(*pinned, std::chrono::seconds{1});
}
