#pragma once
// What the HTML report's charts show, apart from how they are drawn (internal to report/): which
// cells, labelled how, and which series through which points.
#include <string>
#include <vector>

#include "report/svg.h"
#include "result/run_result.h"

namespace deploybench::report {

/// The cells that have numbers to chart: ran without error and completed at least one request.
std::vector<const result::CellResult*> measured_cells(const result::ResultSet& results);

/// "/"-separated ids (cell ids, series keys) shortened for a chart: each without the parts every
/// id shares. `shared` shows what was left out, "*" standing for the parts kept, e.g. ids
/// "local/tiny/chat/c1" and "local/tiny/chat/c4" give names "c1", "c4" and shared
/// "local/tiny/chat/*". Ids with different numbers of parts lose only their common leading parts.
/// Every name keeps at least its last part; `shared` is empty when nothing was left out.
struct ShortNames {
  std::vector<std::string> names;  // one per id, in order
  std::string shared;
};
ShortNames shorten_ids(const std::vector<std::string>& ids);

/// Labels for a chart with one bar or line per cell: what tells the cells apart (shorten_ids of
/// their cell_base_id, then " #N" for repetitions after the first) and a note naming the rest,
/// e.g. labels "c1", "c4 #2" and note "cells local/tiny-int8/chat/closed/*".
struct CellLabels {
  std::vector<std::string> labels;  // one per cell
  std::string note;                 // empty when the labels are the whole ids
};
CellLabels chart_cell_labels(const std::vector<const result::CellResult*>& cells);

/// Throughput (output tokens/s, x) against E2E p95 (ms, y): one series per target/model/workload/load
/// (from the cell's axes; the target's name without them), through its load levels ordered by
/// concurrency, then by rate (open loop after closed loop), each point the median over the
/// level's repetitions, labelled "c4" or "8/s". Series are named by what tells them apart, in run order.
struct ThroughputLatency {
  std::vector<svg::Series> series;
  std::string note;  // how to read the chart
};
ThroughputLatency throughput_latency_series(const std::vector<const result::CellResult*>& cells);

}  // namespace deploybench::report
