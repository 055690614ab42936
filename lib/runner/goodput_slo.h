#pragma once
// Goodput's per-request bounds, taken from a scenario's `slo:` list (README "Metric definitions":
// goodput = completed requests meeting every SLO, per second).
#include <optional>
#include <span>
#include <string>

#include "loadgen/metrics.h"

namespace deploybench::runner {

/// The per-request reading of the SLO expressions: every upper bound (`<`, `<=`) on an aggregate of
/// TTFT, TPOT or E2E other than stddev bounds each request's own value, the tightest one winning
/// ("p95(ttft) < 500ms": a good request's TTFT is at most 500 ms), as vLLM's benchmark reads
/// `--goodput ttft:500`. Other expressions (error_rate, throughput, ITL) judge the cell, not a
/// request. Nullopt without any SLO (goodput_per_s stays null); unparsable expressions are
/// skipped (the scenario loader has rejected them already).
std::optional<loadgen::GoodputSlo> goodput_slo_of(std::span<const std::string> slo_exprs);

}  // namespace deploybench::runner
