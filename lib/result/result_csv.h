#pragma once
// results.csv: one row per cell, stable column names that carry their units (results/README.md
// lists them). Columns never change meaning; new ones are only appended.
#include <string>
#include <string_view>
#include <vector>

#include "result/run_result.h"

namespace deploybench::result {

/// The metric keys written as CSV columns, in order (see metric_catalog.h for units).
const std::vector<std::string>& csv_metric_keys();

/// RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled.
std::string csv_field(std::string_view value);

/// Header plus one row per cell, "\n" line ends. Missing values are empty fields. Pure.
std::string to_csv(const ResultSet& results);

}  // namespace deploybench::result
