#include "rlvr/report/palette.h"

#include "rlvr/report/text.h"

namespace rlvr::report {
namespace {

// The opening of the marker element, without its closing "/>".
std::string marker_shape(const SeriesStyle& style, double x, double y, double r) {
  const std::string& c = style.colour;
  auto n = [](double v) { return format_fixed(v, 2); };
  switch (style.marker) {
    case Marker::circle:
      return "<circle cx=\"" + n(x) + "\" cy=\"" + n(y) + "\" r=\"" + n(r) + "\" fill=\"" + c + "\"";
    case Marker::square:
      return "<rect x=\"" + n(x - r * 0.9) + "\" y=\"" + n(y - r * 0.9) + "\" width=\"" + n(r * 1.8) +
             "\" height=\"" + n(r * 1.8) + "\" fill=\"" + c + "\"";
    case Marker::triangle:
      return "<path d=\"M" + n(x) + " " + n(y - r * 1.15) + "L" + n(x + r * 1.1) + " " + n(y + r * 0.8) +
             "L" + n(x - r * 1.1) + " " + n(y + r * 0.8) + "Z\" fill=\"" + c + "\"";
    case Marker::diamond:
      return "<path d=\"M" + n(x) + " " + n(y - r * 1.25) + "L" + n(x + r * 1.1) + " " + n(y) + "L" + n(x) +
             " " + n(y + r * 1.25) + "L" + n(x - r * 1.1) + " " + n(y) + "Z\" fill=\"" + c + "\"";
  }
  return "";
}

}  // namespace

const std::vector<std::string>& Palette::colours() {
  // Okabe-Ito, with yellow darkened so that it reads on white.
  static const std::vector<std::string> kColours = {
      "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#B8A200"};
  return kColours;
}

const SeriesStyle& Palette::style(std::string_view label) {
  auto it = styles_.find(label);
  if (it != styles_.end()) return it->second;
  size_t i = styles_.size();
  const auto& cs = colours();
  SeriesStyle s;
  s.colour = cs[i % cs.size()];
  s.dash = (i / cs.size()) % 2 == 1 ? "6 3" : "";
  s.marker = static_cast<Marker>(i % 4);
  return styles_.emplace(std::string(label), std::move(s)).first->second;
}

void Palette::reserve_order(const std::vector<std::string>& labels) {
  for (const auto& l : labels) style(l);
}

std::string marker_svg(const SeriesStyle& style, double x, double y, double r,
                       std::string_view tooltip) {
  std::string shape = marker_shape(style, x, y, r);
  if (tooltip.empty()) return shape + "/>";
  return shape + "><title>" + escape(tooltip) + "</title></" + shape.substr(1, shape.find(' ') - 1) + ">";
}

}  // namespace rlvr::report
