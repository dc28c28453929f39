// Colours of series. One Palette is shared by all figures of a report, so a
// model keeps its colour (and marker shape) everywhere: the first label asked
// for gets the first colour, and the same label always gets the same style.
// The colours are Okabe and Ito's set, told apart also by colour-blind
// readers; past eight series, styles repeat with a dashed line.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace rlvr::report {

enum class Marker { circle, square, triangle, diamond };

struct SeriesStyle {
  std::string colour;      // "#0072B2"
  std::string dash;        // SVG stroke-dasharray, empty for solid
  Marker marker = Marker::circle;
};

class Palette {
 public:
  // The style of `label`, assigned on first use.
  const SeriesStyle& style(std::string_view label);
  const std::string& colour(std::string_view label) { return style(label).colour; }

  // Assigns styles in this order up front (e.g. the models as the user gave
  // them), so the first figure drawn does not decide the colours.
  void reserve_order(const std::vector<std::string>& labels);

  // The fixed list of colours, in the order they are handed out.
  static const std::vector<std::string>& colours();

 private:
  std::map<std::string, SeriesStyle, std::less<>> styles_;
};

// SVG for a marker of `style` centred at (x, y) with radius about r; a
// non-empty `tooltip` becomes its <title> (shown on hover by browsers).
std::string marker_svg(const SeriesStyle& style, double x, double y, double r,
                       std::string_view tooltip = {});

}  // namespace rlvr::report
