#pragma once
// The one table of matrix axes (style rule 14). Reference axes name entries of a section and
// are what the matrix lists; derived axes are read off each cell and usable in `exclude` rules
// and `--only` filters. Expansion order is the table order: deployment axes outermost.
#include <array>
#include <string_view>

namespace deploybench::scenario::detail {

inline constexpr std::array<std::string_view, 9> kAxisNames = {
    "target",       // reference: targets.NAME            (redeploys)
    "kind",         // derived:   the target's kind
    "model",        // reference: models.NAME             (redeploys)
    "precision",    // derived:   the model's precision
    "workload",     // reference: workloads.NAME
    "load",         // reference: loads.NAME
    "concurrency",  // derived: closed-loop level
    "rate",         // derived:   open-loop or sweep level, e.g. "8/s"
    "step",         // derived:   sweep step, 1-based
};

inline bool is_reference_axis(std::string_view axis) {
  return axis == "target" || axis == "model" || axis == "workload" || axis == "load";
}

}  // namespace deploybench::scenario::detail
