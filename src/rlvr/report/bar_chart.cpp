#include "rlvr/report/bar_chart.h"

#include <algorithm>
#include <cmath>

#include "rlvr/report/frame.h"
#include "rlvr/report/text.h"

namespace rlvr::report {

using frame::px;

std::string render_bar_chart(const BarChart& chart, Palette& palette) {
  std::vector<frame::LegendEntry> entries;
  double largest = 0;
  for (const auto& s : chart.series) {
    entries.push_back({s.label, palette.style(s.label)});
    for (double v : s.values) if (std::isfinite(v)) largest = std::max(largest, v);
  }
  std::vector<Tick> y_ticks;
  double ymax = 1;
  if (chart.y_max && *chart.y_max > 0) {
    ymax = *chart.y_max;
    y_ticks = linear_ticks(0, ymax, 5);
  } else {
    y_ticks = ticks_from_zero(largest, 5);
    ymax = y_ticks.back().value;
  }

  frame::Area a;
  a.left = 66;
  a.top = chart.title.empty() ? 16 : 40;
  a.right = chart.width - 16 - frame::legend_width(entries);
  a.bottom = chart.height - 56;
  Scale ys(0, ymax, a.bottom, a.top, false);

  std::string svg = frame::open_svg(chart.width, chart.height, chart.title, "bar-chart");
  svg += frame::title_text(chart.width, chart.title);
  svg += frame::y_axis(a, y_ticks, ys, chart.y_label);

  size_t n_cat = std::max<size_t>(1, chart.categories.size());
  size_t n_ser = std::max<size_t>(1, chart.series.size());
  double group_w = a.width() / static_cast<double>(n_cat);
  double inner = group_w * 0.8;
  double bar_w = inner / static_cast<double>(n_ser);

  // Category labels under each group.
  svg += "<g class=\"axis x-axis\">";
  double widest = 0;
  for (const auto& c : chart.categories) widest = std::max(widest, estimate_text_width(c, frame::kFontPx));
  bool rotate = widest > group_w - 6;
  for (size_t c = 0; c < chart.categories.size(); ++c) {
    double cx = a.left + group_w * (static_cast<double>(c) + 0.5);
    if (rotate) {
      svg += "<text x=\"" + px(cx) + "\" y=\"" + px(a.bottom + 14) +
             "\" text-anchor=\"end\" fill=\"#333\" font-size=\"11\" transform=\"rotate(-30 " + px(cx) +
             " " + px(a.bottom + 14) + ")\">" + escape(chart.categories[c]) + "</text>";
    } else {
      svg += "<text x=\"" + px(cx) + "\" y=\"" + px(a.bottom + 19) +
             "\" text-anchor=\"middle\" fill=\"#333\">" + escape(chart.categories[c]) + "</text>";
    }
  }
  svg += "<line x1=\"" + px(a.left) + "\" y1=\"" + px(a.bottom) + "\" x2=\"" + px(a.right) +
         "\" y2=\"" + px(a.bottom) + "\" stroke=\"#555\"/>";
  if (!chart.x_label.empty()) {
    svg += "<text class=\"axis-label\" x=\"" + px((a.left + a.right) / 2) + "\" y=\"" +
           px(a.bottom + 42) + "\" text-anchor=\"middle\" fill=\"#222\" font-size=\"13\">" +
           escape(chart.x_label) + "</text>";
  }
  svg += "</g>";

  for (size_t s = 0; s < chart.series.size(); ++s) {
    const auto& series = chart.series[s];
    const SeriesStyle& style = palette.style(series.label);
    svg += "<g class=\"series\" data-series=\"" + escape(series.label) + "\">";
    for (size_t c = 0; c < chart.categories.size(); ++c) {
      double v = c < series.values.size() ? series.values[c] : 0.0;
      if (!std::isfinite(v) || v < 0) v = 0;
      double top = ys(std::min(v, ymax));
      double x = a.left + group_w * static_cast<double>(c) + (group_w - inner) / 2 +
                 bar_w * static_cast<double>(s);
      std::string tip = series.label + ", " + (c < chart.categories.size() ? chart.categories[c] : "") +
                        ": " + format_fixed(v, chart.value_digits);
      svg += "<rect class=\"bar\" data-value=\"" + format_number(v) + "\" x=\"" + px(x + 0.5) +
             "\" y=\"" + px(top) + "\" width=\"" + px(std::max(0.5, bar_w - 1)) + "\" height=\"" +
             px(a.bottom - top) + "\" fill=\"" + style.colour + "\"><title>" + escape(tip) +
             "</title></rect>";
    }
    svg += "</g>";
  }
  svg += frame::legend(entries, frame::LegendKind::swatch, a.right + 16, a.top + 4);
  return svg + frame::close_svg();
}

}  // namespace rlvr::report
