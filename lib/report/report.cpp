#include "report/report.h"

#include <fmt/format.h>

#include "core/text.h"
#include "report/render_parts.h"
#include "result/result_csv.h"
#include "result/result_json.h"

namespace deploybench::report {
namespace {

struct FormatName {
  const char* name;
  Format format;
  const char* file;
};

constexpr FormatName kFormats[] = {
    {"json", Format::Json, "results.json"},       {"csv", Format::Csv, "results.csv"},
    {"md", Format::Markdown, "report.md"},        {"markdown", Format::Markdown, "report.md"},
    {"html", Format::Html, "report.html"},        {"console", Format::Console, "report.txt"},
    {"gha", Format::Gha, "benchmark-gha.json"},   {"gha-bigger", Format::GhaBigger, "benchmark-gha-bigger.json"},
    {"bencher", Format::Bencher, "bencher.json"},
};

}  // namespace

std::vector<std::string> format_names() {
  std::vector<std::string> names;
  for (const auto& f : kFormats) names.emplace_back(f.name);
  return names;
}

Result<Format> parse_format(std::string_view name) {
  for (const auto& f : kFormats)
    if (name == f.name) return f.format;
  const auto names = format_names();
  const auto near = closest_match(name, names);
  return make_error(ErrorCode::InvalidArgument, fmt::format("unknown report format '{}'", name),
                    near ? fmt::format("did you mean '{}'? formats: {}", *near, join(names, ", "))
                         : fmt::format("formats: {}", join(names, ", ")));
}

std::string default_file_name(Format format) {
  for (const auto& f : kFormats)
    if (f.format == format) return f.file;
  return "report.txt";
}

std::string render(const result::ResultSet& results, Format format) {
  switch (format) {
    case Format::Json:
      return result::to_json(results);
    case Format::Csv:
      return result::to_csv(results);
    case Format::Markdown:
      return render_markdown(results);
    case Format::Html:
      return render_html(results);
    case Format::Console:  // `run` prints the table alone; a report file also says how it was produced
      return fmt::format("deploybench: {} (run {})\n{}\n\n{}", results.manifest.scenario_name,
                         results.manifest.run_id, manifest_line(results.manifest), render_console_table(results));
    case Format::Gha:
      return render_gha(results, false);
    case Format::GhaBigger:
      return render_gha(results, true);
    case Format::Bencher:
      return render_bencher(results);
  }
  return {};
}

}  // namespace deploybench::report
