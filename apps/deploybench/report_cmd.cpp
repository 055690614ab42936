// deploybench report RUN [--format F]... [--output FILE | --out-dir DIR]
#include <fmt/core.h>

#include "commands.h"
#include "core/fs.h"
#include "exit_codes.h"
#include "report/report.h"
#include "result/result_json.h"

namespace deploybench::cli {
namespace {

struct ReportOptions {
  std::string run;                   // results.json or the run directory holding it
  std::vector<std::string> formats;  // empty: console
  std::string output;                // one format only; empty or "-" = stdout
  std::string out_dir;               // every format to DIR/<default file name>
};

int run_report(const ReportOptions& o) {
  std::vector<report::Format> formats;
  for (const auto& name : o.formats.empty() ? std::vector<std::string>{"console"} : o.formats) {
    auto f = report::parse_format(name);
    if (!f) {
      fmt::print(stderr, "deploybench report: {}\n  hint: {}\n", f.error().message, f.error().hint);
      return code(ExitCode::Usage);
    }
    formats.push_back(*f);
  }
  if (!o.output.empty() && o.output != "-" && formats.size() != 1) {
    fmt::print(stderr, "deploybench report: --output takes one --format; use --out-dir for several\n");
    return code(ExitCode::Usage);
  }
  auto results = result::load_results(o.run);
  if (!results) {
    fmt::print(stderr, "deploybench report: {}\n", results.error().message);
    if (!results.error().hint.empty()) fmt::print(stderr, "  hint: {}\n", results.error().hint);
    return code(ExitCode::Failure);
  }
  for (const auto f : formats) {
    const std::string text = report::render(*results, f);
    std::filesystem::path dest;
    if (!o.out_dir.empty())
      dest = std::filesystem::path(o.out_dir) / report::default_file_name(f);
    else if (!o.output.empty() && o.output != "-")
      dest = o.output;
    if (dest.empty()) {
      fmt::print("{}", text);
      continue;
    }
    if (auto s = write_file_atomic(dest, text); !s) {
      fmt::print(stderr, "deploybench report: {}\n", s.error().message);
      return code(ExitCode::Failure);
    }
    fmt::print(stderr, "wrote {}\n", dest.string());
  }
  return code(ExitCode::Ok);
}

}  // namespace

void setup_report(CLI::App& app, int& exit_code) {
  auto* sub = app.add_subcommand("report", "Render a results file as json, csv, md, html, console, gha, bencher");
  auto o = std::make_shared<ReportOptions>();
  sub->add_option("run", o->run, "results.json, or a run directory containing it")->required();
  sub->add_option("-f,--format", o->formats,
                  "Output format (repeatable): json, csv, md, html, console (default), gha, gha-bigger, bencher");
  sub->add_option("-o,--output", o->output, "Write to FILE instead of stdout (one format)");
  sub->add_option("--out-dir", o->out_dir, "Write every format to DIR under its conventional name (report.md, ...)")
      ->excludes("--output");
  sub->callback([o, &exit_code] { exit_code = run_report(*o); });
}

}  // namespace deploybench::cli
