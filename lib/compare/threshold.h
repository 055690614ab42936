#pragma once
// Threshold expressions used by scenario `slo:` lists, scenario `gate:` sections, gate policy
// files and `deploybench gate --threshold`.
//
//   threshold  := absolute | regression
//   absolute   := metric op value                         "p95(ttft) < 500ms", "error_rate < 1%"
//   regression := metric "regresses by more than" pct     "p95(ttft) regresses by more than 10%"
//   metric     := aggregate "(" summary ")" | scalar | summary "_" aggregate
//   aggregate  := mean | stddev | min | max | p50 | p90 | p95 | p99 | p999   ("p99.9" = p999)
//   summary    := ttft | tpot | itl | e2e | service_time | queue | prefill | decode | connect | first_byte
//               (aliases: throughput = output_tokens_per_s, goodput = goodput_per_s,
//                request_rate = requests_per_s)
//   scalar     := error_rate | requests_per_s | output_tokens_per_s | goodput_per_s | target_cpu_cores
//               | target_peak_rss_bytes | requests | completed | errors | ...   (result/metric_catalog.h)
//   op         := "<" | "<=" | ">" | ">="
//   value      := a duration with unit for latencies ("250ms", "1.5s"), a percentage or fraction for
//                 error_rate ("1%", "0.01"), bytes for *_bytes ("512m"), a plain number (or "8/s")
//                 for rates, counts and cores.
//   pct        := number "%"
// Whitespace between tokens is free. "Regresses" means worse in the metric's direction: higher for
// latencies and error rate, lower for throughput.
#include <string>
#include <string_view>

#include "core/error.h"
#include "result/metric_catalog.h"

namespace deploybench::compare {

enum class Comparator { Less, LessEqual, Greater, GreaterEqual };
enum class ThresholdKind { Absolute, Regression };

struct Threshold {
  std::string text;    // the expression as written
  std::string metric;  // metric_catalog key, e.g. "ttft_p95"
  ThresholdKind kind = ThresholdKind::Absolute;
  Comparator op = Comparator::Less;  // Absolute only
  double value = 0;                  // Absolute: in the metric's canonical unit (ms, %, bytes, ...)
  double max_regression = 0;         // Regression: allowed relative worsening, 0.10 for 10%
  result::Direction direction = result::Direction::LowerIsBetter;
  std::string unit;  // canonical unit for messages
};

/// Parses one expression; errors quote it and point at the problem, with a hint.
Result<Threshold> parse_threshold(std::string_view expression);

/// parse_threshold, keeping only the verdict: what `deploybench validate` and `run` hand to
/// scenario::load_plan, so every expression in a scenario is checked with the file's other problems.
Status check_threshold(std::string_view expression);

/// Whether `actual` satisfies an Absolute threshold.
bool satisfies(const Threshold& threshold, double actual);

std::string_view comparator_text(Comparator op);

}  // namespace deploybench::compare
