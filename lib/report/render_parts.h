#pragma once
// Pieces shared by the Markdown and HTML renderers (internal to report/).
#include <string>
#include <vector>

#include "report/overhead.h"
#include "report/table.h"
#include "result/run_result.h"

namespace deploybench::report {

/// How the run was produced, on one line: "complete · deploybench 0.1.0 (git abc) · host bench-1: AMD EPYC,
/// 2 cores, 24.0 GiB · Debian 12, kernel 6.1 · scenario s.yaml (sha256 9f86...) · seed 42 · 2026-... to 2026-..."
std::string manifest_line(const result::Manifest& manifest);
/// deployment, metric, total, network, queue, prefill, decode, rest.
Table overhead_table(const std::vector<OverheadRow>& rows);
/// One row per distinct target with lifecycle numbers (first cell of each target).
Table lifecycle_table(const result::ResultSet& results);

std::string render_markdown(const result::ResultSet& results);
std::string render_html(const result::ResultSet& results);
std::string render_gha(const result::ResultSet& results, bool bigger_is_better);
std::string render_bencher(const result::ResultSet& results);

}  // namespace deploybench::report
