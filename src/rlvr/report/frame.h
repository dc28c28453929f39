// The parts every chart shares: the <svg> element, title, axes with ticks and
// grid, and the legend. Internal to the report room; charts call these so
// that all figures look alike.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rlvr/report/axis.h"
#include "rlvr/report/palette.h"

namespace rlvr::report::frame {

constexpr double kFontPx = 12;
constexpr double kTitlePx = 15;

// Pixel bounds of the plotting area inside the chart.
struct Area {
  double left = 0, top = 0, right = 0, bottom = 0;
  double width() const { return right - left; }
  double height() const { return bottom - top; }
};

// Opens the standalone-valid <svg> (with xmlns, viewBox, a white
// background and an accessible <title>); `kind` becomes its class.
std::string open_svg(double width, double height, std::string_view title, std::string_view kind);
std::string close_svg();

std::string title_text(double width, std::string_view title);

// Grid lines, tick marks and labels, and the axis label. Ticks outside the
// area are skipped.
std::string x_axis(const Area& area, const std::vector<Tick>& ticks, const Scale& x,
                   std::string_view label);
std::string y_axis(const Area& area, const std::vector<Tick>& ticks, const Scale& y,
                   std::string_view label);

enum class LegendKind { line, swatch };

struct LegendEntry {
  std::string label;
  SeriesStyle style;
};

// Legend labels longer than this are cut (the full label is in a tooltip).
constexpr size_t kLegendChars = 28;

double legend_width(const std::vector<LegendEntry>& entries);
// A legend column with its top-left corner at (x, y).
std::string legend(const std::vector<LegendEntry>& entries, LegendKind kind, double x, double y);

// "12.34" with two decimals: enough for pixel coordinates.
std::string px(double v);

}  // namespace rlvr::report::frame
