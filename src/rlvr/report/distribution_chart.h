// Distributions of per-response values for several groups, e.g. perplexity
// of each model's responses under the base model: one box plot per group
// (quartiles, median, whiskers at 1.5 IQR) over a strip of the values.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "rlvr/report/palette.h"

namespace rlvr::report {

struct DistributionGroup {
  std::string label;       // shown under the box; the data-series attribute
  std::vector<double> values;
  std::string colour_key;  // palette key; empty means the label (e.g. "rl" for "PPL_base(Y_rl)")
};

struct DistributionChart {
  std::string title;
  std::string y_label;
  bool log_y = false;       // values <= 0 are then left out and counted in the tooltip
  bool show_points = true;  // jittered strip of the values (up to max_points per group)
  // Beyond this many values a group's strip shows every m-th value only; the
  // box is always drawn from all of them. Bounds the size of the SVG.
  size_t max_points = 4000;
  double width = 880, height = 440;
  std::vector<DistributionGroup> groups;
};

// Tukey box-plot figures of a sample (quantiles interpolated linearly,
// whiskers at the most extreme values within 1.5 IQR of the box).
struct BoxStats {
  size_t n = 0;
  double q1 = 0, median = 0, q3 = 0;
  double whisker_low = 0, whisker_high = 0;
  double mean = 0;
  std::vector<double> outliers;
};

// Non-finite values are ignored; n == 0 when nothing is left.
BoxStats box_stats(std::vector<double> values);

// Standalone SVG; each group is a <g class="series" data-series="LABEL">.
std::string render_distribution_chart(const DistributionChart& chart, Palette& palette);

}  // namespace rlvr::report
