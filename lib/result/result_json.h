#pragma once
// results.json: the canonical, versioned serialisation of a ResultSet. The schema (version 1)
// is documented field by field in results/README.md. Durations are written in milliseconds
// (fields end in "_ms"), sizes in bytes, times as ISO 8601 UTC strings.
#include <string>
#include <string_view>

#include "core/error.h"
#include "result/run_result.h"

namespace deploybench::result {

inline constexpr int kSchemaVersion = 1;

/// Pretty-printed JSON (2-space indent, trailing newline). Pure: same input, same bytes.
std::string to_json(const ResultSet& results);

/// Parses results.json text. Errors name `source_name` (usually the file path) and the field,
/// e.g. "base.json: cells[2].metrics.ttft.p95_ms: expected a number, found string".
/// Unknown fields are ignored (newer writers may add some); a different schema_version is an error.
Result<ResultSet> from_json(std::string_view text, const std::string& source_name);

/// Reads and parses a results file; a directory means <dir>/results.json.
Result<ResultSet> load_results(const std::string& path);

}  // namespace deploybench::result
