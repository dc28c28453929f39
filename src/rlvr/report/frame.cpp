#include "rlvr/report/frame.h"

#include <algorithm>

#include "rlvr/report/text.h"

namespace rlvr::report::frame {

std::string px(double v) { return format_fixed(v, 2); }

std::string open_svg(double width, double height, std::string_view title, std::string_view kind) {
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart " + escape(kind) +
                  "\" width=\"" + px(width) + "\" height=\"" + px(height) + "\" viewBox=\"0 0 " +
                  px(width) + " " + px(height) +
                  "\" role=\"img\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" "
                  "font-size=\"" + px(kFontPx) + "\">";
  s += "<title>" + escape(title) + "</title>";
  s += "<rect class=\"background\" x=\"0\" y=\"0\" width=\"" + px(width) + "\" height=\"" +
       px(height) + "\" fill=\"#ffffff\"/>";
  return s;
}

std::string close_svg() { return "</svg>\n"; }

std::string title_text(double width, std::string_view title) {
  if (title.empty()) return "";
  return "<text class=\"chart-title\" x=\"" + px(width / 2) +
         "\" y=\"22\" text-anchor=\"middle\" font-size=\"" + px(kTitlePx) +
         "\" font-weight=\"bold\" fill=\"#222\">" + escape(title) + "</text>";
}

std::string x_axis(const Area& a, const std::vector<Tick>& ticks, const Scale& x,
                   std::string_view label) {
  std::string s = "<g class=\"axis x-axis\">";
  for (const auto& t : ticks) {
    double p = x(t.value);
    if (p < a.left - 0.5 || p > a.right + 0.5) continue;
    s += "<line x1=\"" + px(p) + "\" y1=\"" + px(a.top) + "\" x2=\"" + px(p) + "\" y2=\"" +
         px(a.bottom) + "\" stroke=\"#e6e6e6\" stroke-width=\"1\"/>";
    s += "<line x1=\"" + px(p) + "\" y1=\"" + px(a.bottom) + "\" x2=\"" + px(p) + "\" y2=\"" +
         px(a.bottom + 5) + "\" stroke=\"#555\"/>";
    s += "<text x=\"" + px(p) + "\" y=\"" + px(a.bottom + 19) +
         "\" text-anchor=\"middle\" fill=\"#333\">" + escape(t.label) + "</text>";
  }
  s += "<line x1=\"" + px(a.left) + "\" y1=\"" + px(a.bottom) + "\" x2=\"" + px(a.right) +
       "\" y2=\"" + px(a.bottom) + "\" stroke=\"#555\"/>";
  if (!label.empty()) {
    s += "<text class=\"axis-label\" x=\"" + px((a.left + a.right) / 2) + "\" y=\"" +
         px(a.bottom + 40) + "\" text-anchor=\"middle\" fill=\"#222\" font-size=\"13\">" +
         escape(label) + "</text>";
  }
  return s + "</g>";
}

std::string y_axis(const Area& a, const std::vector<Tick>& ticks, const Scale& y,
                   std::string_view label) {
  std::string s = "<g class=\"axis y-axis\">";
  for (const auto& t : ticks) {
    double p = y(t.value);
    if (p < a.top - 0.5 || p > a.bottom + 0.5) continue;
    s += "<line x1=\"" + px(a.left) + "\" y1=\"" + px(p) + "\" x2=\"" + px(a.right) + "\" y2=\"" +
         px(p) + "\" stroke=\"#e6e6e6\" stroke-width=\"1\"/>";
    s += "<line x1=\"" + px(a.left - 5) + "\" y1=\"" + px(p) + "\" x2=\"" + px(a.left) +
         "\" y2=\"" + px(p) + "\" stroke=\"#555\"/>";
    s += "<text x=\"" + px(a.left - 8) + "\" y=\"" + px(p + 4) +
         "\" text-anchor=\"end\" fill=\"#333\">" + escape(t.label) + "</text>";
  }
  s += "<line x1=\"" + px(a.left) + "\" y1=\"" + px(a.top) + "\" x2=\"" + px(a.left) +
       "\" y2=\"" + px(a.bottom) + "\" stroke=\"#555\"/>";
  if (!label.empty()) {
    double cx = 16, cy = (a.top + a.bottom) / 2;
    s += "<text class=\"axis-label\" x=\"" + px(cx) + "\" y=\"" + px(cy) +
         "\" text-anchor=\"middle\" fill=\"#222\" font-size=\"13\" transform=\"rotate(-90 " +
         px(cx) + " " + px(cy) + ")\">" + escape(label) + "</text>";
  }
  return s + "</g>";
}

double legend_width(const std::vector<LegendEntry>& entries) {
  double w = 0;
  for (const auto& e : entries) {
    w = std::max(w, estimate_text_width(truncate_label(e.label, kLegendChars), kFontPx));
  }
  return entries.empty() ? 0 : w + 48;
}

std::string legend(const std::vector<LegendEntry>& entries, LegendKind kind, double x, double y) {
  std::string s = "<g class=\"legend\">";
  double row = 20;
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    double cy = y + row * static_cast<double>(i) + 8;
    s += "<g class=\"legend-item\" data-legend=\"" + escape(e.label) + "\">";
    if (kind == LegendKind::line) {
      s += "<line x1=\"" + px(x) + "\" y1=\"" + px(cy) + "\" x2=\"" + px(x + 24) + "\" y2=\"" +
           px(cy) + "\" stroke=\"" + e.style.colour + "\" stroke-width=\"2.5\"" +
           (e.style.dash.empty() ? "" : " stroke-dasharray=\"" + e.style.dash + "\"") + "/>";
      s += marker_svg(e.style, x + 12, cy, 4);
    } else {
      s += "<rect x=\"" + px(x + 4) + "\" y=\"" + px(cy - 6) +
           "\" width=\"16\" height=\"12\" fill=\"" + e.style.colour + "\"/>";
    }
    std::string shown = truncate_label(e.label, kLegendChars);
    s += "<text x=\"" + px(x + 32) + "\" y=\"" + px(cy + 4) + "\" fill=\"#222\">" + escape(shown);
    if (shown != e.label) s += "<title>" + escape(e.label) + "</title>";
    s += "</text></g>";
  }
  return s + "</g>";
}

}  // namespace rlvr::report::frame
