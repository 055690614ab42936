// The corpus of broken scenario files: each yields its own message at the right line and
// column, and nothing crashes or hangs (generated huge, deep and binary inputs included).
#include <catch2/catch.hpp>
#include <fstream>

#include "core/rng.h"
#include "test_util.h"

using namespace deploybench;
using namespace deploybench::scenario;
using namespace deploybench::scenario::testing;

namespace {

struct Expected {
  const char* file;
  int line, column;
  const char* path;
  const char* message;  // substring of the first diagnostic's message
  const char* hint;     // substring of its hint ("" = any)
};

// Every diagnostic names the file and a position; a file-level problem has no path.
void check_positions(const Loaded& loaded, const std::filesystem::path& file) {
  for (const auto& d : loaded.diagnostics) {
    INFO(format_diagnostic(d));
    CHECK(d.file == file.string());
    CHECK(d.line >= 1);
    CHECK(d.column >= 1);
    CHECK_FALSE(d.message.empty());
    CHECK_FALSE(d.hint.empty());
  }
}

std::filesystem::path write_temp(const std::string& name, const std::string& content) {
  const auto path = std::filesystem::temp_directory_path() / ("deploybench_scenario_" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

}  // namespace

TEST_CASE("each broken file yields its specific message and position", "[scenario][broken]") {
  const Expected expected = GENERATE(
      Expected{"tabs.yaml", 3, 1, "", "tab character in indentation", "spaces"},
      Expected{"wrong_type.yaml", 2, 9, "repeat", "expected a whole number, got 'three'", "1 to 100"},
      Expected{"wrong_type_map.yaml", 5, 20, "loads.c1.closed.concurrency", "got a mapping", ""},
      Expected{"duplicate_key.yaml", 5, 3, "targets.local", "duplicate key 'local'", "line 3"},
      Expected{"unknown_key.yaml", 5, 5, "targets.local.memroy", "unknown key 'memroy'", "did you mean 'memory'?"},
      Expected{"unknown_top_level.yaml", 2, 1, "repeats", "unknown key 'repeats'", "did you mean 'repeat'?"},
      Expected{"undefined_reference.yaml", 6, 19, "matrix.target[1]", "undefined target 'vmm'", "did you mean 'vm'?"},
      Expected{"out_of_range.yaml", 5, 13, "targets.vm.memory", "32m is out of range", "64m to 64g"},
      Expected{"bad_unit.yaml", 4, 13, "defaults.duration", "duration '30' has no unit", "30s"},
      Expected{"bad_rate_unit.yaml", 4, 18, "loads.steady.open.rate", "unknown unit '/h'", "8/s"},
      Expected{"bad_bool.yaml", 4, 13, "workloads.chat.stream", "expected true or false, got 'yes'", ""},
      Expected{"empty.yaml", 1, 1, "", "the file is empty", "quickstart"},
      Expected{"comments_only.yaml", 1, 1, "", "no YAML document", ""},
      Expected{"binary_garbage.yaml", 1, 1, "", "not UTF-8 text", "right file"},
      Expected{"syntax_error.yaml", 3, 11, "", "'[' is never closed", "']'"},
      Expected{"wrong_kind_field.yaml", 6, 14, "targets.vm.command", "not a field of a vm target", "kind local"},
      Expected{"key_in_api_key_env.yaml", 6, 18, "targets.cloud.api_key_env", "must name an environment variable",
               "OPENAI_API_KEY"},
      Expected{"unset_variable.yaml", 5, 15, "targets.cloud.base_url",
               "environment variable DEPLOYBENCH_TEST_SURELY_UNSET_URL is not set", ":-value"},
      Expected{"bad_slo.yaml", 4, 5, "slo[1]", "is not a threshold expression", "p95(ttft) < 500ms"},
      Expected{"multi_document.yaml", 3, 1, "", "more than one YAML document", "one scenario per file"},
      Expected{"top_level_list.yaml", 1, 1, "", "must be a mapping", ""},
      Expected{"exclude_matches_nothing.yaml", 6, 7, "matrix.exclude[0]", "matches no cell", ""},
      Expected{"sweep_without_slo.yaml", 4, 12, "loads.capacity.sweep", "needs an slo", ""},
      Expected{"remote_ca_missing.yaml", 6, 14, "targets.cloud.ca_file", "does not exist", ""},
      Expected{"sweep_from_without_to.yaml", 5, 12, "loads.capacity.sweep", "needs both from and to, or neither",
               "steps: 5}"},
      Expected{"auto_sweep_spacing.yaml", 5, 48, "loads.capacity.sweep.spacing", "'spacing' is for a sweep with from",
               "evenly"},
      Expected{"schema_version.yaml", 1, 17, "schema_version", "schema_version 2 is not supported", "version 1"},
      Expected{"two_patterns.yaml", 5, 11, "loads.mixed.open", "a load has one pattern", ""},
      Expected{"jitter_over_delay.yaml", 5, 36, "targets.wan.network.jitter", "jitter is larger than delay", ""},
      Expected{"network_over_https.yaml", 4, 5, "targets.cloud.network",
               "network emulation cannot sit in front of an https endpoint", "http endpoint"},
      Expected{"vm_checkpoint.yaml", 3, 7, "targets.vm.model.checkpoint",
               "checkpoints are not copied into the VM initramfs (model 'mine')", "use a preset"},
      Expected{"reversed_cpuset.yaml", 5, 13, "targets.local.cpuset",
               "invalid cpuset '9-3': the range '9-3' ends before it starts", "ascending ranges"});
  const auto file = kBroken / expected.file;
  REQUIRE(std::filesystem::exists(file));
  const Loaded loaded = load_file(file);
  INFO(loaded.text());
  REQUIRE_FALSE(loaded.plan.ok());
  CHECK(loaded.plan.error().code == ErrorCode::InvalidScenario);
  REQUIRE(loaded.diagnostics.size() == 1);
  const Diagnostic& d = loaded.diagnostics.front();
  CHECK(d.line == expected.line);
  CHECK(d.column == expected.column);
  CHECK(d.path == expected.path);
  CHECK_THAT(d.message, Catch::Contains(expected.message));
  CHECK_THAT(d.hint, Catch::Contains(expected.hint));
  check_positions(loaded, file);
}

TEST_CASE("a file with many problems reports all of them at once, in file order", "[scenario][broken]") {
  const Loaded loaded = load_text(R"(name: many
repeat: 0
order: random
targets:
  local: {kind: local, memroy: 512m}
  vm: {kind: vm, vcpus: many}
workloads:
  chat: {max_tokens: -1}
matrix:
  target: [local, vmm]
)");
  INFO(loaded.text());
  REQUIRE(loaded.diagnostics.size() == 6);
  std::vector<int> lines;
  for (const auto& d : loaded.diagnostics) lines.push_back(d.line);
  CHECK(lines == std::vector<int>{2, 3, 5, 6, 8, 10});
}

TEST_CASE("a 10 MB file is refused by size before parsing", "[scenario][broken]") {
  std::string big;
  big.reserve(10u << 20);
  while (big.size() < (10u << 20)) big += "targets: {local: {kind: local}}  # padding padding padding\n";
  const auto file = write_temp("10mb.yaml", big);
  const Loaded loaded = load_file(file);
  std::filesystem::remove(file);
  REQUIRE(loaded.diagnostics.size() == 1);
  CHECK_THAT(loaded.diagnostics.front().message, Catch::Contains("10.0 MiB"));
  CHECK_THAT(loaded.diagnostics.front().message, Catch::Contains("limited to 1.0 MiB"));
  CHECK(loaded.diagnostics.front().line == 1);
}

TEST_CASE("deep nesting is reported, not a stack overflow", "[scenario][broken]") {
  const Loaded loaded = load_text("name: deep\nslo: " + std::string(200000, '[') + std::string(200000, ']') + "\n");
  REQUIRE(loaded.diagnostics.size() == 1);
  CHECK_THAT(loaded.diagnostics.front().message, Catch::Contains("nesting is too deep"));
}

TEST_CASE("a flow collection left open is found before the YAML parser sees it", "[scenario][broken]") {
  // yaml-cpp 0.7 allocated gigabytes on this file (an unclosed '{' and, below it, an apostrophe in
  // a comment); it is found by the source check and never reaches the parser.
  const Loaded loaded = load_text(
      "name: q\ntargets:\n  {ocal: {kind: local}\n\nworkloads:\n  chat:\n    input_tokens: 32  # refbot's "
      "tokenizer\n    max_tokens: 32\nloads:\n  closed:\n    closed: {concurrency: [1, 4]}\n");
  REQUIRE(loaded.diagnostics.size() == 1);
  CHECK(loaded.diagnostics.front().message == "YAML syntax error: this '{' is never closed");
  CHECK(loaded.diagnostics.front().line == 3);
  CHECK(loaded.diagnostics.front().column == 3);
}

TEST_CASE("a NUL byte or invalid UTF-8 is located", "[scenario][broken]") {
  const Loaded nul = load_text(std::string("name: x\nrepeat: 1\nseed: 4\0 2\n", 26));
  REQUIRE(nul.diagnostics.size() == 1);
  CHECK(nul.diagnostics.front().line == 3);
  CHECK(nul.diagnostics.front().column == 8);
  CHECK_THAT(nul.diagnostics.front().message, Catch::Contains("byte 0x00"));
  const Loaded latin1 = load_text("name: x\n# caf\xe9\n");
  REQUIRE(latin1.diagnostics.size() == 1);
  CHECK(latin1.diagnostics.front().line == 2);
  CHECK(latin1.diagnostics.front().column == 6);
}

TEST_CASE("random mutations of a valid scenario never crash and always locate their problems", "[scenario][broken]") {
  const auto quickstart = load_file(kScenarios / "quickstart.yaml");
  REQUIRE(quickstart.plan.ok());
  std::ifstream in(kScenarios / "quickstart.yaml");
  const std::string original((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Rng rng(2024);
  const std::string alphabet = " \t\n:-[]{}#&*!|>'\"%@`,?0a${}";
  int invalid = 0;
  for (int i = 0; i < 400; ++i) {
    std::string text = original;
    for (int edits = 0; edits < 3; ++edits) {
      const auto pos = static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(text.size()) - 1));
      const auto ch =
          alphabet[static_cast<std::size_t>(rng.uniform_int(0, static_cast<std::int64_t>(alphabet.size()) - 1))];
      if (rng.uniform() < 0.5)
        text[pos] = ch;
      else
        text.erase(pos, 1);
    }
    const Loaded loaded = load_text(text);
    if (loaded.plan.ok()) continue;
    ++invalid;
    INFO(text);
    INFO(loaded.text());
    REQUIRE_FALSE(loaded.diagnostics.empty());
    for (const auto& d : loaded.diagnostics) {
      CHECK(d.line >= 1);
      CHECK(d.column >= 1);
    }
  }
  CHECK(invalid > 100);  // the mutations really do break the file most of the time
}

TEST_CASE("a matrix too large to run is refused before expansion", "[scenario][broken]") {
  std::string yaml = "name: huge\ntargets:\n";
  for (int i = 0; i < 20000; ++i) yaml += "  t" + std::to_string(i) + ": {}\n";
  const Loaded loaded = load_text(yaml);
  REQUIRE(loaded.diagnostics.size() == 1);
  CHECK_THAT(loaded.diagnostics.front().message, Catch::Contains("more than 10000 cells"));
  const Loaded repeated = load_text(
      "name: reps\nrepeat: 100\nloads:\n  c: {closed: {concurrency: [1, 2, 3, 4, 5, 6, "
      "7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, "
      "28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, "
      "48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, "
      "68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, "
      "88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101]}}\n");
  REQUIRE(repeated.diagnostics.size() == 1);
  CHECK_THAT(repeated.diagnostics.front().message, Catch::Contains("more than 10000 cells"));
}
