// Line charts: pass@k / maj@k curves over k on a log2 axis, or training
// curves over steps on a linear axis. One line per series with markers and,
// when every point has an interval, a shaded confidence band.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rlvr/report/palette.h"

namespace rlvr::report {

struct LinePoint {
  double x = 0;
  double y = 0;
  // Confidence interval of y; the band is drawn only when every point of
  // the series has both ends.
  std::optional<double> low, high;
};

struct LineSeries {
  LineSeries() = default;
  LineSeries(std::string label_, std::vector<LinePoint> points_)
      : label(std::move(label_)), points(std::move(points_)) {}

  std::string label;  // the legend entry and the data-series attribute
  std::vector<LinePoint> points;
  // Palette key; empty means the label. Lets a variant of a model's curve
  // (e.g. "grpo, steps valid") keep the model's colour and marker.
  std::string colour_key;
  // SVG stroke-dasharray overriding the palette's, e.g. "7 4"; empty keeps it.
  std::string dash;
  // false draws no band even when every point has an interval (the interval
  // still shows in the markers' tooltips).
  bool band = true;
};

enum class XScale { log2, linear };

// A dashed vertical reference line with a short label, e.g. a crossover k.
struct XMarker {
  double x = 0;
  std::string label;
};

struct LineChart {
  std::string title;
  std::string x_label = "k";
  std::string y_label;
  XScale x_scale = XScale::log2;
  // Fixed y range; nullopt on either end fits that end to the data.
  std::optional<double> y_min = 0.0, y_max = 1.0;
  // Markers on every point. A series of more than 32 points gets markers
  // only at powers of two on a log axis (pass@k for every k) and none on a
  // linear axis (training curves), where they would only blur.
  bool markers = true;
  double width = 880, height = 460;
  std::vector<LineSeries> series;
  std::vector<XMarker> x_markers;
  // Explicit x tick values; empty chooses them: powers of two on a log axis,
  // except that a short list of k values that are not all powers of two
  // (e.g. 1, 5, 10, 50, 100) is labelled at the k values themselves.
  std::vector<double> x_ticks;
};

// Whether the band of `series` would be drawn (every point has low and high).
bool has_band(const LineSeries& series);

// The whole chart as a standalone SVG document (also valid inline in HTML).
// Each series is a <g class="series" data-series="LABEL">. Points with a
// non-finite value, or x <= 0 on a log axis, are left out.
std::string render_line_chart(const LineChart& chart, Palette& palette);

}  // namespace rlvr::report
