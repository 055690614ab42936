// `deploybench gate` and `deploybench compare` as a user runs them: real files, the real binary,
// checked by exit code (0 pass, 4 gate failed, 1 harness error, 2 usage).
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "compare/synthetic.h"
#include "core/fs.h"
#include "result/result_json.h"

using namespace deploybench;

namespace {

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

class TempDir {
 public:
  TempDir() : path_(std::filesystem::temp_directory_path() / ("deploybench-gate-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name, const std::string& content) const {
    REQUIRE(write_file_atomic(path_ / name, content).ok());
    return (path_ / name).string();
  }
  std::filesystem::path path(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// `env` is prepended as shell assignments, e.g. "GITHUB_STEP_SUMMARY=/tmp/x".
CliRun run_cli(const TempDir& dir, const std::string& args, const std::string& env = {}) {
  const std::string bin = std::string(DEPLOYBENCH_BINARY_DIR) + "/apps/deploybench/deploybench";
  const auto out = dir.path("stdout.txt"), err = dir.path("stderr.txt");
  const std::string cmd = env + " " + bin + " " + args + " >" + out.string() + " 2>" + err.string();
  const int status = std::system(cmd.c_str());
  CliRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_file(out).value();
  r.err = read_file(err).value();
  return r;
}

std::string run_file(const TempDir& dir, const std::string& name, int reps, double scale, std::uint64_t seed) {
  return dir.file(name, result::to_json(testing::synthetic_run(reps, scale, 0.03, seed)));
}

}  // namespace

TEST_CASE("gate exit codes: pass, threshold failure, regression, noise, malformed input", "[compare][gate][cli]") {
  TempDir dir;
  const auto base = run_file(dir, "base.json", 10, 1.0, 31);
  const auto same = run_file(dir, "same.json", 10, 1.0, 32);
  const auto slower = run_file(dir, "slower.json", 10, 1.25, 33);
  const auto flags = [&](const std::string& b, const std::string& c) {
    return "gate --baseline " + b + " --contender " + c;
  };

  SECTION("pass with the default policy") {
    const auto r = run_cli(dir, flags(base, same));
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("GATE PASSED") != std::string::npos);
  }
  SECTION("absolute threshold failure") {
    const auto r = run_cli(dir, flags(base, same) + " --threshold 'p95(ttft) < 10ms'");
    CHECK(r.exit_code == 4);
    CHECK(r.out.find("FAIL  p95(ttft) < 10ms") != std::string::npos);
  }
  SECTION("significant regression, with JUnit and step summary files") {
    const auto junit = dir.path("junit.xml"), summary = dir.path("summary.md");
    const auto r =
        run_cli(dir, flags(base, slower) + " --junit " + junit.string(), "GITHUB_STEP_SUMMARY=" + summary.string());
    CHECK(r.exit_code == 4);
    CHECK(r.out.find("significant regression: ttft_p95 +") != std::string::npos);
    CHECK(read_file(junit).value().find("<failure message=\"significant regression") != std::string::npos);
    CHECK(read_file(summary).value().find("GATE FAILED") != std::string::npos);
  }
  SECTION("a large change without significance passes") {
    const auto few_base = run_file(dir, "few-base.json", 3, 1.0, 34);
    const auto few_slow = run_file(dir, "few-slow.json", 3, 1.3, 35);
    const auto r = run_cli(dir, flags(few_base, few_slow));
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("exceeds the limit but is not significant") != std::string::npos);
    CHECK(r.out.find("too few repetitions") != std::string::npos);
  }
  SECTION("malformed baseline is a harness error naming the file and field") {
    auto text = read_file(base).value();
    text.replace(text.find("\"requests\": 40"), 14, "\"requests\": \"many\"");
    const auto bad = dir.file("bad.json", text);
    const auto r = run_cli(dir, flags(bad, same));
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(bad + ": cells[0].metrics.requests: expected a non-negative integer") != std::string::npos);
  }
  SECTION("missing contender is a harness error") {
    CHECK(run_cli(dir, flags(base, dir.path("nope.json").string())).exit_code == 1);
  }
  SECTION("policy file") {
    const auto policy = dir.file("policy.yaml", "thresholds:\n  - \"p95(e2e) < 1s\"\n  - error_rate < 1%\n");
    CHECK(run_cli(dir, flags(base, slower) + " --policy " + policy).exit_code == 0);
    const auto broken = dir.file("broken.yaml", "thresholds:\n  - \"p95(e2e) < 1\"\n");
    const auto r = run_cli(dir, flags(base, slower) + " --policy " + broken);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("broken.yaml:2:5:") != std::string::npos);
  }
  SECTION("a bad threshold flag is a usage error") {
    CHECK(run_cli(dir, flags(base, same) + " --threshold 'p95(ttft) < fast'").exit_code == 2);
  }
  SECTION("a bad threshold flag beside a good policy file is still a usage error") {
    const auto policy = dir.file("policy.yaml", "thresholds:\n  - error_rate < 1%\n");
    const auto r = run_cli(dir, flags(base, same) + " --policy " + policy + " --threshold 'p95(ttft) < fast'");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("threshold 'p95(ttft) < fast'") != std::string::npos);
  }
}

TEST_CASE("compare prints verdicts and warns about repetitions", "[compare][cli]") {
  TempDir dir;
  const auto base = run_file(dir, "base.json", 10, 1.0, 41);
  const auto slower = run_file(dir, "slower.json", 10, 1.25, 42);
  const auto r = run_cli(dir, "compare " + base + " " + slower + " --metric ttft_p95 --metric output_tokens_per_s");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("ttft_p95") != std::string::npos);
  CHECK(r.out.find("regressed") != std::string::npos);
  CHECK(r.out.find("2 regressed, 0 improved") != std::string::npos);
  CHECK(run_cli(dir, "compare " + base + " " + slower + " --metric ttft_p97").exit_code == 2);
  const auto same = run_file(dir, "same.json", 10, 1.0, 43);
  const auto eq = run_cli(dir, "compare " + base + " " + same + " --metric ttft_p95 --equivalence 10%");
  CHECK(eq.exit_code == 0);
  CHECK(eq.out.find("equivalent (within ±10%)") != std::string::npos);
  CHECK(run_cli(dir, "compare " + base + " " + same + " --equivalence 0%").exit_code == 2);
  CHECK(run_cli(dir, "compare " + base + " " + same + " --equivalence three").exit_code == 2);
}

TEST_CASE("compare names the conditions two runs differ in besides what they compare", "[compare][cli]") {
  TempDir dir;
  const auto base = run_file(dir, "base.json", 5, 1.0, 51);
  const auto same_host = run_file(dir, "same-host.json", 5, 1.0, 52);
  auto moved = testing::synthetic_run(5, 1.0, 0.03, 53);
  moved.manifest.host_name = "ci-runner-7";
  const auto other_host = dir.file("other-host.json", result::to_json(moved));
  const auto same = run_cli(dir, "compare " + base + " " + same_host + " --metric ttft_p95");
  CHECK(same.exit_code == 0);
  CHECK(same.out.find("differ in these conditions") == std::string::npos);
  const auto other = run_cli(dir, "compare " + base + " " + other_host + " --metric ttft_p95");
  CHECK(other.exit_code == 0);  // a note, not an error: comparing two machines is often the point
  CHECK(other.out.find("note: the two runs also differ in these conditions") != std::string::npos);
  CHECK(other.out.find("  host: bench-1 -> ci-runner-7\n") != std::string::npos);
}

TEST_CASE("report renders a results file in every format", "[report][cli]") {
  TempDir dir;
  const auto file = dir.file("results.json", result::to_json(testing::sample_results()));
  const auto r =
      run_cli(dir, "report " + file + " --format md --format html --format csv --out-dir " + dir.path("out").string());
  CHECK(r.exit_code == 0);
  for (const char* name : {"report.md", "report.html", "results.csv"})
    CHECK(std::filesystem::exists(dir.path("out") / name));
  CHECK(run_cli(dir, "report " + file + " --format pdf").exit_code == 2);
}
