// Chart layout: the x labels of a bar chart stay readable however many cells a run has.
#include "report/svg.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <regex>

using namespace deploybench;

namespace {

struct Label {
  double x, y;
  bool rotated;
  std::string text;
};

// The group labels of a bar chart (font size 11, centred or rotated).
std::vector<Label> group_labels(const std::string& svg) {
  static const std::regex flat(
      R"re(<text x="([\d.]+)" y="([\d.]+)" font-size="11" text-anchor="middle">([^<]*)</text>)re");
  static const std::regex turned(
      R"re(<text transform="translate\(([\d.]+),([\d.]+)\) rotate\(-45\)" font-size="11" text-anchor="end">([^<]*)</text>)re");
  std::vector<Label> out;
  for (const auto* re : {&flat, &turned})
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), *re); it != std::sregex_iterator(); ++it)
      out.push_back({std::stod((*it)[1]), std::stod((*it)[2]), re == &turned, (*it)[3]});
  return out;
}

std::pair<double, double> view_box(const std::string& svg) {
  std::smatch m;
  REQUIRE(std::regex_search(svg, m, std::regex(R"re(viewBox="0 0 (\d+) (\d+)")re")));
  return {std::stod(m[1]), std::stod(m[2])};
}

// Width of a label in the chart's units: what svg.cpp assumes (0.6 em per character), with a
// margin, since the label must fit the fonts a browser really uses.
double width_of(const std::string& text) { return 0.66 * 11 * static_cast<double>(text.size()); }

}  // namespace

TEST_CASE("bar chart x labels never overlap, for 2 to 40 cells", "[report][svg]") {
  // What a repeated run's cells are called once the shared parts are gone, and the full ids of
  // a run in which everything varies.
  const auto id = GENERATE(std::string("c4 #3"), std::string("container/tiny-int8/chat/closed/c16 #3"));
  const auto n = GENERATE(2, 8, 16, 40);
  std::vector<report::svg::BarGroup> groups;
  for (int i = 0; i < n; ++i) groups.push_back({fmt::format("{}{}", id, i), {10, 20, 30, 40}});
  const std::string svg = report::svg::bar_chart("TTFT", "ms", {"p50", "p90", "p95", "p99"}, groups);
  const auto labels = group_labels(svg);
  const auto [w, h] = view_box(svg);
  INFO("label " << id << ", " << n << " cells, viewBox " << w << "x" << h);
  REQUIRE(labels.size() == static_cast<std::size_t>(n));
  for (std::size_t i = 0; i + 1 < labels.size(); ++i) {
    const auto &a = labels[i], &b = labels[i + 1];
    if (a.rotated)  // parallel lines 45 degrees apart: their distance is dx / sqrt(2)
      CHECK((b.x - a.x) / std::sqrt(2.0) >= 11 * 1.15);
    else
      CHECK(b.x - a.x >= (width_of(a.text) + width_of(b.text)) / 2);
  }
  for (const auto& l : labels) {  // inside the chart; a rotated label hangs down-left from (x, y)
    const double reach = l.rotated ? 0.6 * 11 * static_cast<double>(l.text.size()) / std::sqrt(2.0) : 0;
    CHECK(l.x - reach >= 0);
    CHECK(l.x <= w);
    CHECK(l.y + reach + 4 <= h);
  }
  CHECK((w > 720) == (svg.find("class=\"chart wide\"") != std::string::npos));
}

TEST_CASE("a bar chart with short labels keeps its size and writes them flat", "[report][svg]") {
  const std::string svg = report::svg::bar_chart("TTFT", "ms", {"p50"}, {{"c1", {1}}, {"c4", {2}}}, "cells local/*");
  CHECK(view_box(svg) == std::pair<double, double>{720, 334});  // 14 units taller for the note
  CHECK_THAT(svg, Catch::Contains(">cells local/*</text>"));
  const auto labels = group_labels(svg);
  REQUIRE(labels.size() == 2);
  CHECK_FALSE(labels[0].rotated);
}
