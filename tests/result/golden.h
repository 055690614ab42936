#pragma once
// Golden-file comparison for reporters: the expected bytes live in tests/data/golden/<name>.
// Run the tests with DEPLOYBENCH_UPDATE_GOLDEN=1 to rewrite them, then review the diff.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>

#include "core/fs.h"

namespace deploybench::testing {

inline std::filesystem::path golden_path(const std::string& name) {
  return std::filesystem::path(DEPLOYBENCH_SOURCE_DIR) / "tests" / "data" / "golden" / name;
}

inline void check_golden(const std::string& name, const std::string& actual) {
  const auto path = golden_path(name);
  const char* update = std::getenv("DEPLOYBENCH_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    REQUIRE(write_file_atomic(path, actual).ok());
    return;
  }
  auto expected = read_file(path);
  INFO("golden file " << path.string() << " (set DEPLOYBENCH_UPDATE_GOLDEN=1 to create or rewrite it)");
  REQUIRE(expected.ok());
  CHECK(actual == *expected);
}

}  // namespace deploybench::testing
