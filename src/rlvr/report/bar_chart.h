// Grouped bar charts: one group per category, one bar per series, e.g. the
// accuracy histogram (ten bins of per-problem accuracy, one bar per model).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rlvr/report/palette.h"

namespace rlvr::report {

struct BarSeries {
  std::string label;           // colour key and data-series attribute
  std::vector<double> values;  // one per category; missing ones count as 0
};

struct BarChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<std::string> categories;
  std::vector<BarSeries> series;
  std::optional<double> y_max;  // default: a round value above the largest bar
  int value_digits = 0;         // decimals of values in tooltips
  double width = 880, height = 420;
};

// Standalone SVG. Bars grow from 0 with height proportional to the value;
// each series is a <g class="series" data-series="LABEL"> of <rect class="bar">
// elements carrying data-value. Negative and non-finite values draw as 0.
std::string render_bar_chart(const BarChart& chart, Palette& palette);

}  // namespace rlvr::report
