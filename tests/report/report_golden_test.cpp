// Golden-file tests: every reporter renders the sample ResultSet to the committed bytes.
#include <catch2/catch.hpp>

#include "report/report.h"
#include "report/table.h"
#include "result/golden.h"
#include "result/result_json.h"
#include "result/sample_results.h"

using namespace deploybench;

TEST_CASE("every reporter matches its golden file", "[report][golden]") {
  const auto results = testing::sample_results();
  const std::pair<report::Format, const char*> cases[] = {
      {report::Format::Markdown, "report.md"},
      {report::Format::Html, "report.html"},
      {report::Format::Console, "report.txt"},
      {report::Format::Gha, "benchmark-gha.json"},
      {report::Format::GhaBigger, "benchmark-gha-bigger.json"},
      {report::Format::Bencher, "bencher.json"},
      {report::Format::Csv, "results.csv"},
      {report::Format::Json, "results.json"},
  };
  for (const auto& [format, name] : cases) {
    INFO(name);
    testing::check_golden(name, report::render(results, format));
    CHECK(report::default_file_name(format) == name);
  }
}

TEST_CASE("a failed cell renders its error instead of numbers", "[report]") {
  auto results = testing::sample_results();
  results.cells[1].error = "deploy failed: podman exited with status 125";
  results.cells[1].validity = {false, {results.cells[1].error, "another reason"}};
  const auto text = report::render_console_table(results);
  const std::string label = report::cell_label(results.cells[1]);
  // The table's row only says "failed"; the error is told once below it, then the other reasons.
  CHECK(text.find("failed\n") != std::string::npos);
  CHECK(text.find("warning: " + label + ": failed: deploy failed: podman exited with status 125\nwarning: " + label +
                  ": another reason\n") != std::string::npos);
  CHECK(text.find("podman exited") == text.rfind("podman exited"));
  const auto md = report::render(results, report::Format::Markdown);
  CHECK(md.find("podman exited") != std::string::npos);
}

TEST_CASE("errors are listed per kind with the server's first answer on one line", "[report]") {
  auto cell = testing::sample_results().cells[1];
  cell.metrics.errors_by_kind["connect"] = 3;
  cell.error_examples["connect"] = "";
  cell.error_examples["http_429"] += std::string(300, 'x');
  const auto notes = report::error_notes(cell);
  REQUIRE(notes.size() == 2);
  CHECK(notes[0] == "3 x connect");  // most frequent first; no body for a connect error
  CHECK(notes[1].rfind("1 x http_429: first response: {\"error\": {\"message\": \"queue full\",  \"type\"", 0) == 0);
  CHECK(notes[1].find('\n') == std::string::npos);
  CHECK(notes[1].size() < 250);  // the body is shortened
  CHECK(notes[1].substr(notes[1].size() - 3) == "...");
  CHECK(report::error_notes(testing::sample_results().cells[0]).empty());
}

TEST_CASE("a context-length error's note says synthetic prompts count words", "[report]") {
  auto cell = testing::sample_results().cells[1];
  cell.metrics.errors_by_kind = {{"http_400", 5}};
  cell.error_examples = {{"http_400", R"({"error":{"code":"context_length_exceeded","message":"the prompt (276 )"
                                      R"(tokens) plus max_tokens (64) exceeds the context length of 256 tokens"}})"}};
  const auto notes = report::error_notes(cell);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].rfind("5 x http_400: first response: ", 0) == 0);
  CHECK(notes[0].find("(hint: synthetic prompts are input_tokens common English words") != std::string::npos);
  const auto md = report::render(testing::sample_results(), report::Format::Markdown);
  CHECK(md.find("hint:") == std::string::npos);  // only context-length errors get it
}

TEST_CASE("capacity: the highest sweep rate that met the stop SLO, per sweep", "[report]") {
  result::ResultSet results;
  const auto step = [](const std::string& load, const std::string& rate, int rep, std::optional<bool> met) {
    result::CellResult c;  // ids as the planner makes them: the step label, not the rate
    c.cell_id = "local/tiny-int8/chat/" + load + "/s" + rate.substr(0, 1) + "/r" + std::to_string(rep);
    c.repetition = rep;
    c.axes = {{"rate", rate}};
    c.settings = {{"load.rate", rate}, {"load.sweep_stop", "p95(ttft) < 500ms"}};
    c.sweep_slo_met = met;
    return c;
  };
  results.cells = {step("capacity", "2/s", 1, true),      step("capacity", "4/s", 1, true),
                   step("capacity", "8/s", 1, false),     step("capacity", "2/s", 2, false),
                   step("ladder", "c4", 1, std::nullopt), step("up", "1/s", 1, true)};
  const auto notes = report::capacity_notes(results);
  REQUIRE(notes.size() == 3);
  CHECK(notes[0] == "local/tiny-int8/chat/capacity: 4/s met p95(ttft) < 500ms; 8/s did not");
  CHECK(notes[1] == "local/tiny-int8/chat/capacity #2: no rate met p95(ttft) < 500ms (the first, 2/s, did not)");
  CHECK(notes[2] == "local/tiny-int8/chat/up: every rate met p95(ttft) < 500ms, up to 1/s");
  CHECK(report::render_console_table(results).find("capacity: local/tiny-int8/chat/capacity: 4/s met") !=
        std::string::npos);
  CHECK(report::render(results, report::Format::Markdown).find("### Capacity") != std::string::npos);
}

TEST_CASE("parse_format knows every format and suggests near misses", "[report]") {
  for (const auto& name : report::format_names()) CHECK(report::parse_format(name).ok());
  auto bad = report::parse_format("htm");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "unknown report format 'htm'");
  CHECK(bad.error().hint.find("did you mean 'html'?") == 0);
}

TEST_CASE("renderers are pure: same input, same bytes", "[report]") {
  const auto results = testing::sample_results();
  for (const auto& name : report::format_names()) {
    const auto f = report::parse_format(name).value();
    CHECK(report::render(results, f) == report::render(results, f));
  }
}

TEST_CASE("every format names the git revision at most once, also for files that repeated it", "[report]") {
  auto legacy = testing::sample_results();
  legacy.manifest.tool_version = "0.1.0 (git " + legacy.manifest.git_revision + ")";  // as runs before 2026-12 wrote
  auto results = result::from_json(result::to_json(legacy), "old.json");
  REQUIRE(results.ok());
  for (const auto format : {report::Format::Markdown, report::Format::Html, report::Format::Csv, report::Format::Json,
                            report::Format::Console}) {
    const auto text = report::render(*results, format);
    INFO(report::default_file_name(format) << ":\n" << text.substr(0, 600));
    const auto first = text.find(legacy.manifest.git_revision);
    CHECK((first == std::string::npos || text.find(legacy.manifest.git_revision, first + 1) == std::string::npos));
  }
  CHECK_THAT(report::render(*results, report::Format::Markdown),
             Catch::Contains("deploybench 0.1.0 (git 0123456789ab) ·"));
}

TEST_CASE("every human-readable report says how it was produced", "[report]") {
  const auto results = testing::sample_results();
  const auto& m = results.manifest;
  for (const auto format : {report::Format::Markdown, report::Format::Html, report::Format::Console}) {
    const auto text = report::render(results, format);
    INFO(report::default_file_name(format));
    for (const auto& fact : {m.tool_version, m.git_revision, m.host_name, m.cpu_model, m.kernel, m.scenario_file,
                             m.scenario_sha256, std::string("seed 42"), m.started_at})
      CHECK(text.find(fact) != std::string::npos);
  }
}
