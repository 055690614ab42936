#pragma once
// Renderers from a ResultSet to text. Every renderer is pure (style rule 9): same input, same
// bytes; no clock, no environment, no file I/O. The CLI writes the strings where asked.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "result/run_result.h"

namespace deploybench::report {

enum class Format {
  Json,       // results.json (schema v1), the canonical file
  Csv,        // results.csv, one row per cell
  Markdown,   // report.md: tables ready for a pull-request comment
  Html,       // report.html: one self-contained file with inline SVG charts
  Console,    // aligned text table for a terminal
  Gha,        // github-action-benchmark "customSmallerIsBetter" JSON (latencies, error rate)
  GhaBigger,  // github-action-benchmark "customBiggerIsBetter" JSON (throughput)
  Bencher,    // Bencher Metric Format (BMF) JSON
};

/// "json", "csv", "md" (or "markdown"), "html", "console", "gha", "gha-bigger", "bencher".
Result<Format> parse_format(std::string_view name);
std::vector<std::string> format_names();
/// Conventional file name for a format ("report.md", "results.csv", "benchmark-gha.json").
std::string default_file_name(Format format);

/// One aligned row per cell: requests, errors, TTFT p50/p95, E2E p50/p95, TPOT p50, output
/// tok/s, req/s; every number carries its unit. Invalid cells are listed with their reasons.
std::string render_console_table(const result::ResultSet& results);

std::string render(const result::ResultSet& results, Format format);

}  // namespace deploybench::report
