#pragma once
// The summary table shared by the console, Markdown and HTML renderers, so they cannot drift.
#include <string>
#include <vector>

#include "result/run_result.h"

namespace deploybench::report {

struct Table {
  std::vector<std::string> headers;
  std::vector<bool> numeric;                   // per column: right-align
  std::vector<std::vector<std::string>> rows;  // cells already formatted, units included
};

/// Columns: cell, target, requests, errors, TTFT p50, TTFT p95, E2E p50, E2E p95, TPOT p50,
/// output tok/s, req/s, valid. A cell that failed to run shows its error in place of numbers.
Table make_summary_table(const result::ResultSet& results);

/// "12.3 ms", "812 us"-style: milliseconds with 3 significant digits (at least 2 decimals below 1 ms).
std::string format_ms(double ms);
/// A number with `unit` appended: "128 tok/s", "3.90 req/s".
std::string format_rate(double value, const char* unit);

/// A cell label that identifies it within its run: cell_id without its "/r1" repetition suffix,
/// plus " #N" for repetitions after the first.
std::string cell_label(const result::CellResult& cell);

/// Why a cell is not a clean measurement: "failed: <error>" for a failed cell, then each validity
/// reason not already told by the error. What every format lists below its summary table (whose
/// row for a failed cell only says "failed").
std::vector<std::string> validity_notes(const result::CellResult& cell);

/// One line per error kind of a cell, most frequent first: "12 x http_400: first response: {...}"
/// (the body shortened to ~160 characters, on one line). Empty when the cell had no errors.
std::vector<std::string> error_notes(const result::CellResult& cell);

/// One line per capacity sweep (rate steps carrying `sweep_slo_met`), in run order: the highest
/// rate that met the sweep's stop SLO and the first that did not, e.g.
/// "local/tiny-int8/chat/capacity: 6/s met p95(ttft) < 500ms; 8/s did not".
std::vector<std::string> capacity_notes(const result::ResultSet& results);

}  // namespace deploybench::report
