#pragma once
// Minimal inline-SVG charts for the self-contained HTML report (no scripts, no network).
// Every chart is a 720x320 viewBox that scales with the page (a bar chart grows when its labels
// need room; one wider than 720 carries class "wide"); text is XML-escaped.
#include <string>
#include <utility>
#include <vector>

#include "core/markup.h"

namespace deploybench::report::svg {

struct Series {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y) in data units, drawn in this order
  std::vector<std::string> point_labels;          // empty, or one short label per point, drawn beside it
};

struct BarGroup {
  std::string label;
  std::vector<double> values;  // one per series name
};

/// Lines with point markers; axes start at 0 unless data is negative. `note` is a grey line
/// under the title.
std::string line_chart(const std::string& title, const std::string& x_label, const std::string& y_label,
                       const std::vector<Series>& series, const std::string& note = {});
/// Vertical grouped bars: one group per label, one bar per series; `note` is a grey line under
/// the title. Group labels too wide for their group are rotated by 45 degrees, and the chart
/// grows (wider for many groups, taller for long labels) so that they never overlap.
std::string bar_chart(const std::string& title, const std::string& y_label, const std::vector<std::string>& series,
                      const std::vector<BarGroup>& groups, const std::string& note = {});
/// Horizontal stacked bars of signed segments (positive to the right of 0, negative to the left).
std::string stacked_bar_chart(const std::string& title, const std::string& x_label,
                              const std::vector<std::string>& segments, const std::vector<BarGroup>& bars);

using deploybench::escape_xml;
/// Up to ~6 round tick values covering [lo, hi] (1, 2, 5 x 10^k steps).
std::vector<double> nice_ticks(double lo, double hi);

}  // namespace deploybench::report::svg
