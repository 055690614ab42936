#pragma once
// Helpers shared by the scenario tests: load text or a file with a fixed environment and get
// either the plan or every diagnostic, formatted for failure messages.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "scenario/loader.h"
#include "scenario/render.h"

namespace deploybench::scenario::testing {

inline const std::filesystem::path kSourceDir = DEPLOYBENCH_SOURCE_DIR;
inline const std::filesystem::path kScenarios = kSourceDir / "scenarios";
inline const std::filesystem::path kBroken = kSourceDir / "tests/scenario/broken";

struct Loaded {
  Result<RunPlan> plan;
  std::vector<Diagnostic> diagnostics;
  std::string text() const {
    std::string out;
    for (const auto& d : diagnostics) out += format_diagnostic(d) + "\n";
    return out;
  }
};

inline Loaded load_text(const std::string& yaml, std::map<std::string, std::string> env = {},
                        const std::filesystem::path& file = kSourceDir / "tests/scenario/inline.yaml",
                        const ThresholdCheck& check_threshold = light_threshold_check) {
  std::vector<Diagnostic> diagnostics;
  auto plan = parse_plan(yaml, file, Environment::from_map(std::move(env)), &diagnostics, check_threshold);
  return Loaded{std::move(plan), std::move(diagnostics)};
}

inline Loaded load_file(const std::filesystem::path& file, std::map<std::string, std::string> env = {}) {
  std::vector<Diagnostic> diagnostics;
  auto plan = load_plan(file, Environment::from_map(std::move(env)), &diagnostics);
  return Loaded{std::move(plan), std::move(diagnostics)};
}

inline std::vector<std::string> ids(const RunPlan& plan) {
  std::vector<std::string> out;
  for (const auto& c : plan.cells) out.push_back(c.id);
  return out;
}

}  // namespace deploybench::scenario::testing
