// The quickstart path end to end, through the real binaries: a scenario file in, refbot deployed
// as a local child process, load driven at it, results.json out, nothing left running.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "core/fs.h"
#include "result/metric_catalog.h"
#include "result/result_json.h"
#include "support/self_signed_cert.h"

using namespace deploybench;
namespace fs = std::filesystem;

namespace {

/// PIDs of live `refbot serve` processes whose parent is `parent` (zombies excluded). Other
/// tests on the machine may run their own refbot, so only our run's children count.
std::set<int> refbot_pids(pid_t parent) {
  std::set<int> out;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(e.path() / "stat");
    std::string line;
    std::getline(stat, line);
    const auto rp = line.rfind(')');
    if (rp == std::string::npos || rp + 2 >= line.size() || line[rp + 2] == 'Z') continue;
    if (std::atoi(line.c_str() + rp + 4) != parent) continue;  // "...) S PPID ..."
    std::ifstream cmd(e.path() / "cmdline");
    std::string argv0, argv1;
    std::getline(cmd, argv0, '\0');
    std::getline(cmd, argv1, '\0');
    if (argv0.ends_with("refbot") && argv1 == "serve") out.insert(std::stoi(name));
  }
  return out;
}

/// A shortened quickstart: the shipped file with shorter windows.
fs::path write_scenario(const fs::path& dir, const std::string& duration) {
  auto text = read_file(fs::path(DEPLOYBENCH_SOURCE_DIR) / "scenarios/quickstart.yaml");
  REQUIRE(text.ok());
  std::string s = *text;
  const auto replace = [&s](const std::string& from, const std::string& to) {
    const auto pos = s.find(from);
    REQUIRE(pos != std::string::npos);
    s.replace(pos, from.size(), to);
  };
  replace("duration: 5s", "duration: " + duration);
  replace("warmup: 1s", "warmup: 500ms");
  const fs::path file = dir / "quickstart-short.yaml";
  REQUIRE(write_file_atomic(file, s).ok());
  return file;
}

pid_t spawn(const std::vector<std::string>& args, const fs::path& log) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

bool alive(int pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  const auto rp = line.rfind(')');
  return rp != std::string::npos && rp + 2 < line.size() && line[rp + 2] != 'Z';
}

/// Waits for `pid`, collecting the refbot children it starts meanwhile into `children`.
int wait_exit(pid_t pid, std::chrono::seconds limit, std::set<int>& children) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    children.merge(refbot_pids(pid));
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/// `deploybench run SCENARIO --out DIR/out --run-id RUN_ID --quiet EXTRA...` to its end (killed
/// after `limit`): exit code, console output and the refbot children it started.
struct Finished {
  int rc = -1;
  std::string log;
  std::set<int> children;
};

Finished run_scenario(const fs::path& dir, const fs::path& scenario, const std::string& run_id,
                      std::chrono::seconds limit, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args{DEPLOYBENCH_BIN, "run",  scenario.string(), "--out", (dir / "out").string(),
                                "--run-id",      run_id, "--quiet"};
  args.insert(args.end(), extra.begin(), extra.end());
  const fs::path log = dir / ("log-" + run_id + ".txt");
  Finished f;
  f.rc = wait_exit(spawn(args, log), limit, f.children);
  f.log = read_file(log).value();
  return f;
}

/// Every cell ran, completed requests and had no errors.
void check_cells_measured(const result::ResultSet& results) {
  for (const auto& cell : results.cells) {
    INFO(cell.cell_id);
    CHECK(cell.error.empty());
    CHECK(cell.metrics.completed > 0);
    CHECK(cell.metrics.errors == 0);
  }
}

fs::path temp_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / (name + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("a shortened quickstart deploys refbot, measures and writes results", "[e2e]") {
  const fs::path dir = temp_dir("db_e2e_");
  const fs::path scenario = write_scenario(dir, "2s");
  const auto run = run_scenario(dir, scenario, "e2e", std::chrono::seconds{120});
  INFO(run.log);
  REQUIRE(run.rc == 0);
  CHECK_FALSE(run.children.empty());                         // refbot ran as our child...
  for (int child : run.children) CHECK_FALSE(alive(child));  // ...and is gone

  auto results = result::load_results((dir / "out/e2e/results.json").string());
  REQUIRE(results.ok());
  CHECK(results->manifest.status == "complete");
  CHECK_FALSE(results->manifest.scenario_sha256.empty());
  REQUIRE(results->cells.size() == 2);
  check_cells_measured(*results);
  for (const auto& cell : results->cells) {
    INFO(cell.cell_id);
    CHECK(cell.metrics.ttft.p50 > Nanos{0});
    CHECK(cell.metrics.ttft.p95 >= cell.metrics.ttft.p50);
    CHECK(cell.metrics.e2e.p50 > cell.metrics.ttft.p50);
    CHECK(cell.metrics.output_tokens == cell.metrics.completed * 32);  // fixed output length
    CHECK(cell.metrics.target_cpu_seconds > 0);
    CHECK(cell.metrics.target_peak_rss_bytes > 0);
    CHECK(cell.target.kind == "local");
    // The scenario has SLOs, so goodput (completed requests meeting them, per second) is measured.
    REQUIRE(cell.metrics.goodput_per_s.has_value());
    CHECK(*cell.metrics.goodput_per_s > 0);
    CHECK(*cell.metrics.goodput_per_s <= cell.metrics.requests_per_s);
  }
  CHECK(fs::exists(dir / "out/e2e/results.csv"));
  CHECK(fs::exists(dir / "out/e2e/report.md"));
  fs::remove_all(dir);
}

TEST_CASE("a gate whose baseline does not exist fails the run with exit 1", "[e2e]") {
  const fs::path dir = temp_dir("db_e2e_gate_");
  const fs::path scenario = write_scenario(dir, "1s");
  std::ofstream(scenario, std::ios::app)
      << "gate:\n  baseline: does-not-exist.json\n  max_regression: {p95(ttft): 10%}\n";
  const auto run = run_scenario(dir, scenario, "gate", std::chrono::seconds{120}, {"--only", "concurrency=1"});
  INFO(run.log);
  CHECK(run.rc == 1);  // a setup error, as for `deploybench gate`; 4 means the system regressed
  const std::string missing = (dir / "does-not-exist.json").string();
  CHECK_THAT(run.log, Catch::Contains("warning: gate.baseline: baseline '" + missing + "' does not exist"));
  CHECK_THAT(run.log, Catch::Contains("gate: no results at '" + missing + "'"));
  CHECK_THAT(run.log, Catch::Contains("to gate later runs against this one: mkdir -p '" + dir.string() + "' && cp '" +
                                      (dir / "out/gate/results.json").string() + "' '" + missing + "'"));
  CHECK(fs::exists(dir / "out/gate/results.json"));  // the measurements are kept
  fs::remove_all(dir);
}

TEST_CASE("an interrupted run tears refbot down and exits 130", "[e2e]") {
  const fs::path dir = temp_dir("db_e2e_int_");
  const fs::path scenario = write_scenario(dir, "60s");
  const pid_t pid =
      spawn({DEPLOYBENCH_BIN, "run", scenario.string(), "--out", (dir / "out").string(), "--run-id", "int", "--quiet"},
            dir / "log.txt");
  // Wait until refbot is up (deployed), then interrupt mid-cell.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  std::set<int> children;
  while (children.empty() && std::chrono::steady_clock::now() < deadline) {
    children = refbot_pids(pid);
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
  REQUIRE_FALSE(children.empty());
  std::this_thread::sleep_for(std::chrono::seconds{3});  // into the measured cell
  ::kill(pid, SIGINT);
  const int rc = wait_exit(pid, std::chrono::seconds{30}, children);
  INFO(read_file(dir / "log.txt").value());
  CHECK(rc == 130);
  for (int child : children) CHECK_FALSE(alive(child));
  auto results = result::load_results((dir / "out/int/results.json").string());
  REQUIRE(results.ok());
  CHECK(results->manifest.status == "interrupted");
  fs::remove_all(dir);
}

TEST_CASE("a prompt over refbot's context fails its cell fast and the run exits 1", "[e2e]") {
  const fs::path dir = temp_dir("db_e2e_reject_");
  const fs::path scenario = dir / "too-long.yaml";
  REQUIRE(write_file_atomic(scenario, R"(schema_version: 1
name: too-long-e2e
defaults: {warmup: 500ms, duration: 60s}
targets: {local: {kind: local}}
models: {tiny-int8: {preset: tiny, precision: int8, threads: 1}}
workloads: {long: {input_tokens: 400, max_tokens: 16}}
loads: {c2: {closed: {concurrency: 2}}}
output: {formats: [json, md]}
)")
              .ok());
  // A minute of window: without giving up, the closed loop would hammer refbot with 400s for all of it.
  const auto run = run_scenario(dir, scenario, "reject", std::chrono::seconds{45});
  INFO(run.log);
  CHECK(run.rc == 1);
  CHECK(run.log.find("gave up after ") != std::string::npos);
  CHECK(run.log.find("context_length_exceeded") != std::string::npos);
  CHECK(run.log.find("(hint: synthetic prompts are input_tokens common English words") != std::string::npos);
  CHECK(run.log.find("1 of 1 cells failed") != std::string::npos);
  auto results = result::load_results((dir / "out/reject/results.json").string());
  REQUIRE(results.ok());
  CHECK(results->manifest.status == "failed");
  REQUIRE(results->cells.size() == 1);
  CHECK(results->cells[0].error.rfind("gave up after ", 0) == 0);
  CHECK_FALSE(results->cells[0].validity.valid);
  fs::remove_all(dir);
}

TEST_CASE("an automatic capacity sweep measures its bounds, then runs rates between them", "[e2e]") {
  const fs::path dir = temp_dir("db_e2e_sweep_");
  const fs::path scenario = dir / "auto-sweep.yaml";
  REQUIRE(write_file_atomic(scenario, R"(schema_version: 1
name: auto-sweep-e2e
seed: 5
defaults: {warmup: 500ms, duration: 2s, request_timeout: 30s}
targets: {local: {kind: local}}
models: {tiny-int8: {preset: tiny, precision: int8, threads: 1, max_batch: 8}}
workloads: {chat: {input_tokens: 8, max_tokens: 16}}
loads:
  auto:
    sweep: {kind: capacity, saturation: 8, steps: 2, slo: ["error_rate < 50%"]}
output: {formats: [json]}
)")
              .ok());
  const auto run = run_scenario(dir, scenario, "sweep", std::chrono::seconds{120});
  const std::string& log = run.log;
  INFO(log);
  REQUIRE(run.rc == 0);
  auto results = result::load_results((dir / "out/sweep/results.json").string());
  REQUIRE(results.ok());
  REQUIRE(results->cells.size() == 4);
  const auto setting = [](const result::CellResult& c, const std::string& key) {
    const auto* v = result::find_setting(c.settings, key);
    return v ? *v : std::string{};
  };
  CHECK(setting(results->cells[0], "load.concurrency") == "1");
  CHECK(setting(results->cells[1], "load.concurrency") == "8");
  const double saturated = results->cells[1].metrics.requests_per_s;
  REQUIRE(saturated > 0);
  REQUIRE(results->cells[0].metrics.requests_per_s > 0);
  // The two rates were filled in at run time: evenly spaced, the last one the saturated rate.
  const double r1 = std::stod(setting(results->cells[2], "load.rate"));
  const double r2 = std::stod(setting(results->cells[3], "load.rate"));
  CHECK(r1 > 0);
  CHECK(r2 > r1);
  CHECK(r2 == Approx(saturated).epsilon(0.001));
  for (std::size_t i = 2; i < 4; ++i) {
    INFO(results->cells[i].cell_id);
    CHECK(results->cells[i].metrics.completed > 0);
    CHECK(results->cells[i].sweep_slo_met == true);
  }
  CHECK(log.find("capacity: local/tiny-int8/chat/auto: every rate met error_rate < 50%, up to") != std::string::npos);
  fs::remove_all(dir);
}

namespace {

/// Stops a spawned process when the test ends, however it ends.
struct StopOnExit {
  pid_t pid = 0;
  ~StopOnExit() {
    if (pid <= 0) return;
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
  }
};

/// Starts the loopback OpenAI-shaped server over HTTPS and returns its port (0 when it did not
/// come up within 10 s).
int start_tls_server(const testing::SelfSignedCert& tls, const fs::path& log, pid_t& pid) {
  pid = spawn({DEPLOYBENCH_LOOPBACK_SERVER, "sse", "0", "10", "2", tls.cert, tls.key}, log);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
  while (std::chrono::steady_clock::now() < deadline) {
    const auto text = read_file(log);
    const auto at = text ? text->find("listening on ") : std::string::npos;
    if (at != std::string::npos && text->find('\n', at) != std::string::npos) return std::stoi(text->substr(at + 13));
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  return 0;
}

}  // namespace

TEST_CASE("a remote HTTPS endpoint is measured through its ca_file, and with verify_tls: false", "[e2e][tls]") {
  const fs::path dir = temp_dir("db_e2e_tls_");
  testing::SelfSignedCert tls("e2e_tls");
  REQUIRE(tls.generated);  // needs the openssl command (scripts/setup.sh installs it)
  StopOnExit server;
  const int port = start_tls_server(tls, dir / "server.log", server.pid);
  if (port == 0) FAIL("the TLS loopback server did not start: " << read_file(dir / "server.log").value());
  const std::string url = "https://127.0.0.1:" + std::to_string(port);
  const fs::path scenario = dir / "tls.yaml";
  REQUIRE(write_file_atomic(scenario, R"(schema_version: 1
name: remote-tls-e2e
seed: 3
defaults: {warmup: 200ms, duration: 1s, request_timeout: 10s}
targets:
  trusted: {kind: remote, base_url: ")" + url +
                                          R"(", model: test-model, ca_file: ")" + tls.cert +
                                          R"("}
  insecure: {kind: remote, base_url: ")" + url +
                                          R"(", model: test-model, verify_tls: false}
workloads: {chat: {input_tokens: 8, max_tokens: 4}}
loads: {c2: {closed: {concurrency: 2}}}
output: {formats: [json]}
)")
              .ok());
  const auto run = run_scenario(dir, scenario, "tls", std::chrono::seconds{60});
  INFO(run.log);
  REQUIRE(run.rc == 0);
  auto results = result::load_results((dir / "out/tls/results.json").string());
  REQUIRE(results.ok());
  REQUIRE(results->cells.size() == 2);
  check_cells_measured(*results);
  for (const auto& cell : results->cells) {
    CHECK(cell.metrics.output_tokens == 4 * cell.metrics.completed);  // the server streams max_tokens
    // A remote runs elsewhere: its CPU and memory are unknown, not 0 s and 0 bytes.
    CHECK_FALSE(cell.metrics.target_cpu_seconds.has_value());
    CHECK_FALSE(cell.metrics.target_peak_rss_bytes.has_value());
    CHECK_FALSE(result::metric_value(cell, "target_cpu_cores").has_value());
  }

  // Without ca_file the self-signed certificate is refused at once, with a hint, and the run fails.
  auto text = read_file(scenario);
  REQUIRE(text.ok());
  std::string untrusted = *text;
  untrusted.replace(untrusted.find(", ca_file: "), std::string(", ca_file: \"").size() + tls.cert.size() + 1, "");
  REQUIRE(write_file_atomic(scenario, untrusted).ok());
  const auto t0 = std::chrono::steady_clock::now();
  const auto refused = run_scenario(dir, scenario, "untrusted", std::chrono::seconds{60}, {"--only", "target=trusted"});
  INFO(refused.log);
  CHECK(refused.rc == 1);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds{30});  // not retried until ready_timeout
  CHECK(refused.log.find("set ca_file") != std::string::npos);
  fs::remove_all(dir);
}
