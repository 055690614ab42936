#include <catch2/catch.hpp>
#include <filesystem>
#include <unistd.h>

#include "core/fs.h"

using namespace deploybench;
namespace fs = std::filesystem;

TEST_CASE("atomic writes replace the file and leave no temporary", "[core][fs]") {
  const fs::path dir = fs::temp_directory_path() / ("db_fs_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const fs::path file = dir / "sub" / "out.json";
  REQUIRE(write_file_atomic(file, "first").ok());
  REQUIRE(write_file_atomic(file, "second").ok());
  CHECK(read_file(file).value() == "second");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir / "sub")) ++entries;
  CHECK(entries == 1);
  fs::remove_all(dir);
}

TEST_CASE("read_file errors name the path", "[core][fs]") {
  auto r = read_file("/nonexistent/deploybench.yaml");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::NotFound);
  CHECK(r.error().message.find("/nonexistent/deploybench.yaml") != std::string::npos);
  auto d = read_file("/tmp");
  REQUIRE_FALSE(d.ok());
  CHECK(d.error().message.find("directory") != std::string::npos);
}
