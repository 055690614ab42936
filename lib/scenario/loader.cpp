#include "scenario/loader.h"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "core/fs.h"
#include "core/sha256.h"
#include "scenario/detail/context_check.h"
#include "scenario/detail/expand.h"
#include "scenario/detail/parse.h"
#include "scenario/detail/source_check.h"
#include "scenario/detail/target_check.h"

namespace deploybench::scenario {
namespace {

// Beyond this many problems the file is probably not a scenario; the rest add noise.
constexpr std::size_t kMaxDiagnostics = 50;

// File order reads best; problems without a position (0:0) go first.
void sort_by_position(std::vector<Diagnostic>& found) {
  std::stable_sort(found.begin(), found.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
}

Error invalid(const std::filesystem::path& file, std::vector<Diagnostic> found, std::vector<Diagnostic>* out) {
  const std::size_t count = found.size();
  sort_by_position(found);
  if (found.size() > kMaxDiagnostics) {
    const Diagnostic last = found[kMaxDiagnostics];
    found.resize(kMaxDiagnostics);
    found.push_back(Diagnostic{"", fmt::format("... and {} more problems", count - kMaxDiagnostics),
                               "fix the ones above first", last.file, last.line, last.column});
  }
  if (out != nullptr) *out = std::move(found);
  return make_error(ErrorCode::InvalidScenario,
                    fmt::format("{}: {} problem{} found", file.string(), count, count == 1 ? "" : "s"),
                    "see scenarios/README.md for the schema");
}

// yaml-cpp throws on malformed YAML (style rule 8a: caught at the library edge).
std::optional<YAML::Node> parse_yaml(std::string_view text, const std::string& file, std::vector<Diagnostic>& out) {
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(std::string(text));
    if (docs.empty() || docs.front().IsNull()) {
      out.push_back(Diagnostic{"", "the file contains no YAML document (only comments or blank lines)",
                               "a scenario needs at least a name; start from scenarios/quickstart.yaml", file, 1, 1});
      return std::nullopt;
    }
    if (docs.size() > 1) {
      const YAML::Mark m = docs[1].Mark();
      out.push_back(Diagnostic{"", "the file holds more than one YAML document ('---')", "put one scenario per file",
                               file, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1});
      return std::nullopt;
    }
    return docs.front();
  } catch (const YAML::DeepRecursion& e) {
    out.push_back(Diagnostic{"", fmt::format("nesting is too deep ({} levels)", e.depth()),
                             "scenario files nest a few levels; is this the right file?", file, e.mark.line + 1,
                             e.mark.column + 1});
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    const bool known = !e.mark.is_null();
    out.push_back(Diagnostic{"", fmt::format("YAML syntax error: {}", e.msg),
                             "check indentation, quotes and brackets around this position", file,
                             known ? e.mark.line + 1 : 0, known ? e.mark.column + 1 : 0});
    return std::nullopt;
  }
}

}  // namespace

std::string_view order_name(Order order) { return order == Order::Interleaved ? "interleaved" : "sequential"; }

Result<RunPlan> parse_plan(std::string_view text, const std::filesystem::path& file, const Environment& env,
                           std::vector<Diagnostic>* diagnostics, const ThresholdCheck& check_threshold) {
  const std::string file_name = file.string();
  std::vector<Diagnostic> found = detail::check_source(text, file_name);
  if (!found.empty()) return invalid(file, std::move(found), diagnostics);
  std::optional<YAML::Node> root = parse_yaml(text, file_name, found);
  if (!root) return invalid(file, std::move(found), diagnostics);

  detail::Reader reader(file_name, env, check_threshold);
  detail::ScenarioSpec spec = detail::parse_spec(reader, *root, file.parent_path());
  RunPlan plan;
  if (reader.diagnostics().empty()) {  // expansion needs a sound spec
    plan = detail::expand(reader, spec);
    detail::check_deployed_targets(reader, spec, plan);
    detail::warn_context_overflow(reader, spec, plan);
  }
  if (!reader.diagnostics().empty()) return invalid(file, std::move(reader.diagnostics()), diagnostics);
  plan.warnings = std::move(reader.warnings());
  sort_by_position(plan.warnings);
  plan.file = file;
  plan.sha256 = sha256_hex(text);
  if (diagnostics != nullptr) diagnostics->clear();
  return plan;
}

Result<RunPlan> load_plan(const std::filesystem::path& file, const Environment& env,
                          std::vector<Diagnostic>* diagnostics, const ThresholdCheck& check_threshold) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (!ec && size > kMaxScenarioBytes) {
    // Checked before reading so that a huge file costs nothing.
    return invalid(file, {detail::too_large(size, file.string())}, diagnostics);
  }
  auto text = read_file(file, kMaxScenarioBytes + 1);
  if (!text) {
    if (diagnostics != nullptr) {
      *diagnostics = {Diagnostic{"", text.error().message, "check the path", file.string(), 0, 0}};
    }
    return make_error(ErrorCode::InvalidScenario, text.error().message, "check the path");
  }
  return parse_plan(*text, file, env, diagnostics, check_threshold);
}

}  // namespace deploybench::scenario
