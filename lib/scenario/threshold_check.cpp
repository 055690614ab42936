#include "scenario/threshold_check.h"

#include <fmt/format.h>

#include <regex>
#include <string>

namespace deploybench::scenario {

Status light_threshold_check(std::string_view expression) {
  static const std::string kMetric =
      R"((p\d+(\.\d+)?|mean|stddev|max|min)\((ttft|tpot|itl|e2e)\)|error_rate|goodput|throughput|requests_per_s|)"
      R"(output_tokens_per_s)";
  static const std::regex kAbsolute(R"(\s*()" + kMetric + R"()\s*[<>]=?\s*\S+\s*)");
  static const std::regex kRegression(R"(\s*()" + kMetric + R"()\s+regresses by more than\s+\S+%\s*)");
  const std::string text(expression);
  if (std::regex_match(text, kAbsolute) || std::regex_match(text, kRegression)) return Ok{};
  return make_error(ErrorCode::InvalidScenario, fmt::format("'{}' is not a threshold expression", text),
                    "write e.g. 'p95(ttft) < 500ms', 'mean(tpot) <= 40ms', 'error_rate < 1%' or 'throughput > 5'");
}

}  // namespace deploybench::scenario
