#include "loadgen/workload_config.h"

#include <fmt/core.h>

#include <cmath>

#include "loadgen/diagnostic.h"

namespace deploybench::loadgen {
namespace {

constexpr int kMaxTokens = 1 << 20;

void check_length(const LengthDistribution& d, std::vector<Diagnostic>& out) {
  const std::string path = "workload.input_tokens";
  if (const auto* f = std::get_if<FixedLength>(&d)) {
    if (f->tokens < 1 || f->tokens > kMaxTokens)
      out.push_back(diag(path, fmt::format("must be between 1 and {}, got {}", kMaxTokens, f->tokens), ""));
  } else if (const auto* u = std::get_if<UniformLength>(&d)) {
    if (u->min < 1 || u->max > kMaxTokens || u->min > u->max)
      out.push_back(diag(
          path, fmt::format("uniform needs 1 <= min <= max <= {}, got min {} max {}", kMaxTokens, u->min, u->max), ""));
  } else if (const auto* n = std::get_if<NormalLength>(&d)) {
    if (n->min < 1 || n->max > kMaxTokens || n->min > n->max)
      out.push_back(diag(
          path, fmt::format("normal needs 1 <= min <= max <= {}, got min {} max {}", kMaxTokens, n->min, n->max), ""));
    if (!(n->stddev >= 0) || !std::isfinite(n->mean))
      out.push_back(diag(
          path, fmt::format("normal needs a finite mean and stddev >= 0, got mean {} stddev {}", n->mean, n->stddev),
          ""));
  }
}

}  // namespace

std::vector<Diagnostic> WorkloadConfig::validate() const {
  std::vector<Diagnostic> out;
  if (name.empty()) out.push_back(diag("workload.name", "must not be empty", ""));
  if (prompts_file.empty()) check_length(input_tokens, out);
  if (max_tokens < 1 || max_tokens > kMaxTokens)
    out.push_back(diag("workload.max_tokens", fmt::format("must be between 1 and {}, got {}", kMaxTokens, max_tokens),
                       "the output length per request, e.g. max_tokens: 128"));
  if (!(temperature >= 0.0) || temperature > 2.0)
    out.push_back(diag("workload.temperature", fmt::format("must be between 0 and 2, got {}", temperature), ""));
  return out;
}

}  // namespace deploybench::loadgen
