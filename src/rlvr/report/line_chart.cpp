#include "rlvr/report/line_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "rlvr/report/frame.h"
#include "rlvr/report/text.h"

namespace rlvr::report {
namespace {

using frame::px;

// Appends " M x y" / " L x y" to a path; built piecewise because GCC 12 warns
// falsely (-Wrestrict) on "literal" + std::string temporaries.
void path_to(std::string& d, bool first, double x, double y) {
  d += first ? 'M' : 'L';
  d += px(x);
  d += ' ';
  d += px(y);
}

bool usable(const LinePoint& p, XScale scale) {
  return std::isfinite(p.x) && std::isfinite(p.y) && (scale != XScale::log2 || p.x > 0);
}

std::string point_tooltip(const LineSeries& s, const LinePoint& p, const std::string& x_name) {
  std::string t = s.label + ": " + (x_name.empty() ? "x" : x_name) + " = " + format_number(p.x) +
                  ", " + format_fixed(p.y, 3);
  if (p.low && p.high) t += " [" + format_fixed(*p.low, 3) + ", " + format_fixed(*p.high, 3) + "]";
  return t;
}

// The palette style of a series with its own dash applied.
SeriesStyle series_style(const LineSeries& s, Palette& palette) {
  SeriesStyle style = palette.style(s.colour_key.empty() ? s.label : s.colour_key);
  if (!s.dash.empty()) style.dash = s.dash;
  return style;
}

bool is_power_of_two(double x) {
  int e = 0;
  return std::frexp(x, &e) == 0.5;
}

// The distinct x values of all series, sorted.
std::vector<double> data_xs(const LineChart& chart) {
  std::vector<double> xs;
  for (const auto& s : chart.series) {
    for (const auto& p : s.points) if (usable(p, chart.x_scale)) xs.push_back(p.x);
  }
  std::sort(xs.begin(), xs.end());
  xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
  return xs;
}

std::vector<Tick> choose_x_ticks(const LineChart& chart, double xmin, double xmax) {
  std::vector<Tick> ticks;
  if (!chart.x_ticks.empty()) {
    for (double v : chart.x_ticks) ticks.push_back({v, format_number(v)});
    return ticks;
  }
  if (chart.x_scale == XScale::linear) return linear_ticks(xmin, xmax, 7);
  std::vector<double> xs = data_xs(chart);
  bool all_powers = std::all_of(xs.begin(), xs.end(), is_power_of_two);
  bool spread = true;  // neighbours far enough apart for their labels on a log axis
  for (size_t i = 1; i < xs.size(); ++i) spread = spread && xs[i] / xs[i - 1] >= 1.4;
  if (!all_powers && spread && xs.size() <= 12) {
    for (double v : xs) ticks.push_back({v, format_number(v)});
    return ticks;
  }
  return log2_ticks(xmin, xmax);
}

}  // namespace

bool has_band(const LineSeries& series) {
  if (series.points.empty()) return false;
  return std::all_of(series.points.begin(), series.points.end(), [](const LinePoint& p) {
    return p.low && p.high && std::isfinite(*p.low) && std::isfinite(*p.high);
  });
}

std::string render_line_chart(const LineChart& chart, Palette& palette) {
  const bool log_x = chart.x_scale == XScale::log2;
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo;
  double y_lo = x_lo, y_hi = -x_lo;
  std::vector<frame::LegendEntry> entries;
  for (const auto& s : chart.series) {
    entries.push_back({s.label, series_style(s, palette)});
    bool band = s.band && has_band(s);
    for (const auto& p : s.points) {
      if (!usable(p, chart.x_scale)) continue;
      x_lo = std::min(x_lo, p.x);
      x_hi = std::max(x_hi, p.x);
      y_lo = std::min(y_lo, band ? std::min(p.y, *p.low) : p.y);
      y_hi = std::max(y_hi, band ? std::max(p.y, *p.high) : p.y);
    }
  }
  if (!std::isfinite(x_lo)) {  // no data at all: an empty frame
    x_lo = 1;
    x_hi = log_x ? 2 : 1;
    y_lo = 0;
    y_hi = 1;
  }
  // Round, padded ranges.
  double ymin = chart.y_min.value_or(y_lo), ymax = chart.y_max.value_or(y_hi);
  if (!chart.y_min || !chart.y_max) {
    double pad = (ymax - ymin) * 0.05;
    if (pad == 0) pad = std::max(std::abs(ymax) * 0.1, 0.5);
    // Padding never takes a chart of non-negative values (rates, KL, lengths)
    // below zero.
    if (!chart.y_min) ymin = y_lo >= 0 ? std::max(0.0, ymin - pad) : ymin - pad;
    if (!chart.y_max) ymax += pad;
  }
  if (ymax <= ymin) ymax = ymin + 1;
  double xmin = x_lo, xmax = x_hi;
  if (log_x) {
    xmin = x_lo / std::pow(2.0, 0.25);
    xmax = x_hi * std::pow(2.0, 0.25);
  } else {
    double pad = x_hi > x_lo ? (x_hi - x_lo) * 0.02 : 0.5;
    xmin -= pad;
    xmax += pad;
  }

  frame::Area a;
  a.left = 66;
  a.top = chart.title.empty() ? 16 : 40;
  a.right = chart.width - 16 - frame::legend_width(entries);
  a.bottom = chart.height - 56;
  Scale xs(xmin, xmax, a.left, a.right, log_x);
  Scale ys(ymin, ymax, a.bottom, a.top, false);

  std::string svg = frame::open_svg(chart.width, chart.height, chart.title, "line-chart");
  svg += frame::title_text(chart.width, chart.title);
  auto x_ticks = choose_x_ticks(chart, xmin, xmax);
  svg += frame::x_axis(a, x_ticks, xs, chart.x_label);
  svg += frame::y_axis(a, linear_ticks(ymin, ymax, 5), ys, chart.y_label);

  auto clamp_y = [&](double v) { return ys(std::clamp(v, ymin, ymax)); };
  int marker_row = 0;
  for (const auto& m : chart.x_markers) {
    if (!std::isfinite(m.x) || (log_x && m.x <= 0) || m.x < xmin || m.x > xmax) continue;
    double x = xs(m.x);
    svg += "<g class=\"x-marker\"><line x1=\"" + px(x) + "\" y1=\"" + px(a.top) + "\" x2=\"" + px(x) +
           "\" y2=\"" + px(a.bottom) + "\" stroke=\"#666\" stroke-width=\"1.2\" stroke-dasharray=\"5 4\"/>";
    // Labels stack upwards from the bottom of the plot, each broken into
    // lines that fit beside its line.
    const bool right_half = x > (a.left + a.right) / 2;
    const double room = std::max(120.0, right_half ? x - a.left - 10 : a.right - x - 10);
    const std::vector<std::string> lines = wrap_words(m.label, std::min(room, 300.0), 11);
    marker_row += static_cast<int>(lines.size());
    const std::string tx = px(right_half ? x - 5 : x + 5);
    svg += "<text x=\"" + tx + "\" y=\"" + px(a.bottom - 8 - 15.0 * (marker_row - 1)) + "\" text-anchor=\"" +
           (right_half ? "end" : "start") + "\" fill=\"#444\" font-size=\"11\">";
    for (size_t i = 0; i < lines.size(); ++i)
      svg += "<tspan x=\"" + tx + "\"" + (i ? " dy=\"15\"" : "") + ">" + escape(lines[i]) + "</tspan>";
    svg += "</text></g>";
  }
  for (const auto& s : chart.series) {
    const SeriesStyle style = series_style(s, palette);
    std::vector<LinePoint> pts;
    for (const auto& p : s.points) if (usable(p, chart.x_scale)) pts.push_back(p);
    std::sort(pts.begin(), pts.end(), [](const LinePoint& l, const LinePoint& r) { return l.x < r.x; });
    svg += "<g class=\"series\" data-series=\"" + escape(s.label) + "\">";
    if (s.band && has_band(s) && !pts.empty()) {
      std::string d;
      for (size_t i = 0; i < pts.size(); ++i) {
        path_to(d, i == 0, xs(pts[i].x), clamp_y(*pts[i].high));
      }
      for (size_t i = pts.size(); i-- > 0;) path_to(d, false, xs(pts[i].x), clamp_y(*pts[i].low));
      svg += "<path class=\"band\" d=\"" + d + "Z\" fill=\"" + style.colour +
             "\" fill-opacity=\"0.16\" stroke=\"none\"/>";
    }
    if (!pts.empty()) {
      std::string d;
      for (size_t i = 0; i < pts.size(); ++i) {
        path_to(d, i == 0, xs(pts[i].x), clamp_y(pts[i].y));
      }
      svg += "<path class=\"line\" d=\"" + d + "\" fill=\"none\" stroke=\"" + style.colour +
             "\" stroke-width=\"2.2\" stroke-linejoin=\"round\"" +
             (style.dash.empty() ? "" : " stroke-dasharray=\"" + style.dash + "\"") + "/>";
    }
    // Long curves: on a log axis (pass@k for every k) markers only at powers
    // of two; on a linear axis (training steps) none.
    bool thin = pts.size() > 32;
    if (chart.markers && (!thin || log_x)) {
      svg += "<g class=\"markers\">";
      for (const auto& p : pts) {
        if (thin && !is_power_of_two(p.x)) continue;
        svg += marker_svg(style, xs(p.x), clamp_y(p.y), 3.6, point_tooltip(s, p, chart.x_label));
      }
      svg += "</g>";
    }
    svg += "</g>";
  }
  svg += frame::legend(entries, frame::LegendKind::line, a.right + 16, a.top + 4);
  return svg + frame::close_svg();
}

}  // namespace rlvr::report
