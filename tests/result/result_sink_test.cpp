#include "result/result_sink.h"

#include <unistd.h>

#include <catch2/catch.hpp>

#include "core/fs.h"
#include "result/result_json.h"
#include "result/sample_results.h"

using namespace deploybench;

namespace {
std::filesystem::path fresh_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("deploybench-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}
}  // namespace

TEST_CASE("ResultSink rewrites both files after every cell", "[result][sink]") {
  const auto dir = fresh_dir("sink");
  const auto sample = testing::sample_results();
  result::ResultSink sink(dir, sample.manifest);
  for (std::size_t i = 0; i < 2; ++i) {
    REQUIRE(sink.add(sample.cells[i]).ok());
    // What is on disk after each cell is a complete, parseable file with every cell so far.
    auto on_disk = result::load_results(dir.string());
    REQUIRE(on_disk.ok());
    CHECK(on_disk->cells.size() == i + 1);
    CHECK(on_disk->manifest.status == sample.manifest.status);
  }
  REQUIRE(sink.finish("interrupted", "2026-11-24T21:00:30Z").ok());
  auto final_set = result::load_results((dir / "results.json").string());
  REQUIRE(final_set.ok());
  CHECK(final_set->manifest.status == "interrupted");
  CHECK(final_set->manifest.finished_at == "2026-11-24T21:00:30Z");
  auto csv = read_file(dir / "results.csv");
  REQUIRE(csv.ok());
  CHECK(std::count(csv->begin(), csv->end(), '\n') == 3);
  // No temporary files are left behind.
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  CHECK(files == 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE("ResultSink reports an unwritable directory", "[result][sink]") {
  const auto dir = fresh_dir("sink-bad");
  REQUIRE(write_file_atomic(dir, "a file where the run directory should be").ok());
  result::ResultSink sink(dir, {});
  auto s = sink.add(testing::sample_results().cells[0]);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message.find(dir.string()) != std::string::npos);
  CHECK(sink.results().cells.size() == 1);
  std::filesystem::remove(dir);
}

TEST_CASE("load_results reports a missing file by path", "[result][json]") {
  auto r = result::load_results("/nonexistent/run");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("/nonexistent/run") != std::string::npos);
}
