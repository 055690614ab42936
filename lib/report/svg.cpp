#include "report/svg.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace deploybench::report::svg {
namespace {

constexpr double kW = 720, kH = 320, kLeft = 70, kRight = 200, kTop = 36, kBottom = 50;
constexpr double kLabelFont = 11, kMinGroupW = 20;  // x labels; the narrowest group a rotated label fits
constexpr const char* kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

const char* color(std::size_t i) { return kPalette[i % std::size(kPalette)]; }

std::string tick_text(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e9) return fmt::format("{:.0f}", v);
  return fmt::format("{:.3g}", v);
}

// Rendered width of `text` at `font_size`, estimated (no font metrics here): 0.6 em per character.
double text_width(const std::string& text, double font_size) {
  const auto chars = std::count_if(text.begin(), text.end(), [](char ch) { return (ch & 0xC0) != 0x80; });
  return 0.6 * font_size * static_cast<double>(chars);
}

// The chart's size in viewBox units: 720x320 unless its labels, note or legend need more room.
struct Canvas {
  double w = kW, h = kH, left = kLeft, top = kTop, bottom = kBottom;
  std::string note;  // one grey line under the title
  double plot_w() const { return w - left - kRight; }
};

Canvas with_note(std::string note) {
  Canvas c;
  if (!note.empty()) c.top += 14, c.h += 14;
  c.note = std::move(note);
  return c;
}

// Maps data ranges to the plot area; y grows upwards.
struct Frame {
  Canvas c;
  double x0, x1, y0, y1;
  double px(double x) const { return c.left + (x - x0) / (x1 - x0) * c.plot_w(); }
  double py(double y) const { return c.h - c.bottom - (y - y0) / (y1 - y0) * (c.h - c.top - c.bottom); }
};

std::pair<double, double> padded_range(double lo, double hi) {
  lo = std::min(lo, 0.0);
  if (hi <= lo) hi = lo + 1;
  const auto ticks = nice_ticks(lo, hi);
  return {std::min(lo, ticks.front()), std::max(hi, ticks.back())};
}

// A chart wider than 720 units carries class "wide" so the page can give it a whole row.
std::string open_svg(const std::string& title, const Canvas& c) {
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {:.0f} {:.0f}\" role=\"img\" class=\"chart{}\">\n"
      "<title>{}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n"
      "<text x=\"{}\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{}</text>\n",
      c.w, c.h, c.w > kW ? " wide" : "", escape_xml(title), c.left, escape_xml(title));
  if (!c.note.empty())
    out +=
        fmt::format("<text x=\"{}\" y=\"38\" font-size=\"11\" fill=\"#555\">{}</text>\n", c.left, escape_xml(c.note));
  return out;
}

std::string y_axis(const Frame& f, const std::string& label) {
  std::string out;
  for (double t : nice_ticks(f.y0, f.y1)) {
    out += fmt::format("<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>\n", f.c.left,
                       f.c.w - kRight, f.py(t), f.py(t));
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"end\">{}</text>\n", f.c.left - 6,
                       f.py(t) + 4, tick_text(t));
  }
  out += fmt::format(
      "<text transform=\"translate(16,{:.1f}) rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">{}</text>\n",
      (f.c.top + f.c.h - f.c.bottom) / 2, escape_xml(label));
  return out;
}

std::string x_axis_ticks(const Frame& f, const std::string& label) {
  std::string out;
  for (double t : nice_ticks(f.x0, f.x1))
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" text-anchor=\"middle\">{}</text>\n", f.px(t),
                       f.c.h - f.c.bottom + 16, tick_text(t));
  out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"12\" text-anchor=\"middle\">{}</text>\n",
                     (f.c.left + f.c.w - kRight) / 2, f.c.h - 8, escape_xml(label));
  return out;
}

std::string legend(const std::vector<std::string>& names, const Canvas& c) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const double y = c.top + 8 + 18.0 * static_cast<double>(i);
    out += fmt::format("<rect x=\"{}\" y=\"{:.1f}\" width=\"12\" height=\"12\" fill=\"{}\"/>\n", c.w - kRight + 12,
                       y - 10, color(i));
    out += fmt::format("<text x=\"{}\" y=\"{:.1f}\" font-size=\"10\">{}</text>\n", c.w - kRight + 28, y,
                       escape_xml(names[i]));
  }
  return out;
}

// Where a bar chart's group labels go. Labels that fit their group's width stay horizontal;
// otherwise they are rotated by 45 degrees, hanging down-left from their group, and the chart
// widens until each group is at least kMinGroupW wide (so neighbouring labels do not overlap),
// moves the plot right so the first label fits, and grows downwards to hold the longest.
struct GroupLabels {
  Canvas c;
  bool rotated = false;
};

GroupLabels layout_group_labels(Canvas c, const std::vector<BarGroup>& groups) {
  const double n = static_cast<double>(std::max<std::size_t>(groups.size(), 1));
  double widest = 0;
  for (const auto& g : groups) widest = std::max(widest, text_width(g.label, kLabelFont));
  if (widest <= c.plot_w() / n - 4) return {c, false};
  c.w = std::max(c.w, std::ceil(c.left + kRight + n * kMinGroupW));
  const double drop = widest * std::sqrt(0.5);  // how far a rotated label reaches left and down
  const double left = std::max(c.left, std::ceil(drop + 8 - c.plot_w() / n / 2));
  c.w += left - c.left;
  c.left = left;
  const double bottom = std::max(kBottom, std::ceil(24 + drop));
  c.h += bottom - c.bottom;
  c.bottom = bottom;
  return {c, true};
}

std::string group_label(const GroupLabels& l, double x, const std::string& label) {
  const double y = l.c.h - l.c.bottom + 14;
  if (!l.rotated)
    return fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"{}\" text-anchor=\"middle\">{}</text>\n", x, y,
                       kLabelFont, escape_xml(label));
  return fmt::format(
      "<text transform=\"translate({:.1f},{:.1f}) rotate(-45)\" font-size=\"{}\" text-anchor=\"end\">{}</text>\n",
      x + 4, y - 4, kLabelFont, escape_xml(label));
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi) {
  if (!(hi > lo)) hi = lo + 1;
  const double raw = (hi - lo) / 5;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  std::vector<double> ticks;
  for (double t = std::floor(lo / step) * step; t <= hi + step * 0.999; t += step) ticks.push_back(t + 0.0);
  return ticks;
}

std::string line_chart(const std::string& title, const std::string& x_label, const std::string& y_label,
                       const std::vector<Series>& series, const std::string& note) {
  double xmax = 0, ymax = 0, xmin = 0, ymin = 0;
  for (const auto& s : series)
    for (const auto& [x, y] : s.points) {
      xmax = std::max(xmax, x), ymax = std::max(ymax, y), xmin = std::min(xmin, x), ymin = std::min(ymin, y);
    }
  const auto [x0, x1] = padded_range(xmin, xmax);
  const auto [y0, y1] = padded_range(ymin, ymax);
  const Frame f{with_note(note), x0, x1, y0, y1};
  std::string out = open_svg(title, f.c) + y_axis(f, y_label) + x_axis_ticks(f, x_label);
  std::vector<std::string> names;
  for (std::size_t i = 0; i < series.size(); ++i) {
    names.push_back(series[i].name);
    std::string pts;
    for (const auto& [x, y] : series[i].points) pts += fmt::format("{:.1f},{:.1f} ", f.px(x), f.py(y));
    out += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n", color(i), pts);
    for (std::size_t p = 0; p < series[i].points.size(); ++p) {
      const auto [x, y] = series[i].points[p];
      out +=
          fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\"><title>{}: {}, {}</title></circle>\n",
                      f.px(x), f.py(y), color(i), escape_xml(series[i].name), tick_text(x), tick_text(y));
      if (p < series[i].point_labels.size())
        out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"9\" fill=\"{}\">{}</text>\n", f.px(x) + 5,
                           f.py(y) - 5, color(i), escape_xml(series[i].point_labels[p]));
    }
  }
  return out + legend(names, f.c) + "</svg>\n";
}

std::string bar_chart(const std::string& title, const std::string& y_label, const std::vector<std::string>& series,
                      const std::vector<BarGroup>& groups, const std::string& note) {
  double ymax = 0;
  for (const auto& g : groups)
    for (double v : g.values) ymax = std::max(ymax, v);
  const auto [y0, y1] = padded_range(0, ymax);
  const GroupLabels labels = layout_group_labels(with_note(note), groups);
  const Frame f{labels.c, 0, 1, y0, y1};
  std::string out = open_svg(title, f.c) + y_axis(f, y_label);
  const double group_w = f.c.plot_w() / static_cast<double>(std::max<std::size_t>(groups.size(), 1));
  const double bar_w = group_w * 0.8 / static_cast<double>(std::max<std::size_t>(series.size(), 1));
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const double gx = f.c.left + group_w * static_cast<double>(g) + group_w * 0.1;
    for (std::size_t s = 0; s < groups[g].values.size(); ++s) {
      const double v = groups[g].values[s], top = f.py(v);
      out += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"><title>{} {}: "
          "{}</title></rect>\n",
          gx + bar_w * static_cast<double>(s), top, bar_w, f.py(0) - top, color(s), escape_xml(groups[g].label),
          escape_xml(series[s]), tick_text(v));
    }
    out += group_label(labels, gx + group_w * 0.4, groups[g].label);
  }
  return out + legend(series, f.c) + "</svg>\n";
}

std::string stacked_bar_chart(const std::string& title, const std::string& x_label,
                              const std::vector<std::string>& segments, const std::vector<BarGroup>& bars) {
  double lo = 0, hi = 0;
  for (const auto& b : bars) {
    double pos = 0, neg = 0;
    for (double v : b.values) (v >= 0 ? pos : neg) += v;
    hi = std::max(hi, pos), lo = std::min(lo, neg);
  }
  const auto [x0, x1] = padded_range(lo, hi);
  const Frame f{Canvas{}, x0, x1, 0, 1};
  std::string out = open_svg(title, f.c) + x_axis_ticks(f, x_label);
  const double row_h = (kH - kTop - kBottom) / static_cast<double>(std::max<std::size_t>(bars.size(), 1));
  for (std::size_t b = 0; b < bars.size(); ++b) {
    const double y = kTop + row_h * static_cast<double>(b) + row_h * 0.15, h = row_h * 0.7;
    double pos = 0, neg = 0;
    for (std::size_t s = 0; s < bars[b].values.size(); ++s) {
      const double v = bars[b].values[s];
      double& edge = v >= 0 ? pos : neg;
      const double a = f.px(edge), z = f.px(edge + v);
      edge += v;
      out += fmt::format(
          "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"><title>{} {}: "
          "{}</title></rect>\n",
          std::min(a, z), y, std::fabs(z - a), h, color(s), escape_xml(bars[b].label), escape_xml(segments[s]),
          tick_text(v));
    }
    out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"10\" text-anchor=\"start\">{}</text>\n", kLeft + 2,
                       y - 2, escape_xml(bars[b].label));
  }
  out += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#333\"/>\n", f.px(0), kTop,
                     kH - kBottom);
  return out + legend(segments, f.c) + "</svg>\n";
}

}  // namespace deploybench::report::svg
