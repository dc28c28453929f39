#include "rlvr/report/distribution_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "rlvr/report/frame.h"
#include "rlvr/report/text.h"
#include "rlvr/util/seed.h"

namespace rlvr::report {
namespace {

using frame::px;

double quantile(const std::vector<double>& sorted, double q) {
  double pos = q * static_cast<double>(sorted.size() - 1);
  size_t i = static_cast<size_t>(std::floor(pos));
  double f = pos - static_cast<double>(i);
  if (i + 1 >= sorted.size()) return sorted.back();
  return sorted[i] + f * (sorted[i + 1] - sorted[i]);
}

// Deterministic jitter in [-1, 1] so that the same data draws the same
// picture: point i takes one draw of a fixed SplitMix64 stream.
double jitter(uint64_t i) {
  uint64_t z = SplitMix64::finalise(i * SplitMix64::kIncrement + 0x632BE59BD9B4E019ULL);
  return static_cast<double>(z >> 11) / static_cast<double>(1ULL << 52) - 1.0;
}

// A group label in one line when it fits in `max_chars`, else in two:
// broken before a '(' or after a space where both lines then fit (e.g.
// "PPL_base" / "(Y_distilled)"), else after a '_' or ',', else as near the
// middle as those allow; each line is cut if still too long.
std::vector<std::string> label_lines(const std::string& label, size_t max_chars) {
  if (truncate_label(label, max_chars) == label) return {label};
  auto fits = [&](size_t at) {
    return truncate_label(label.substr(0, at), max_chars).size() == at &&
           truncate_label(label.substr(at), max_chars).size() == label.size() - at;
  };
  auto longest = [&](size_t at) { return std::max(at, label.size() - at); };
  size_t best = std::string::npos;
  int best_rank = 99;
  for (size_t i = 1; i < label.size(); ++i) {
    char c = label[i], prev = label[i - 1];
    int kind = c == '(' || prev == ' ' ? 0 : prev == '_' || prev == ',' ? 1 : -1;
    if (kind < 0) continue;
    int rank = (fits(i) ? 0 : 2) + kind;  // fitting first, then the nicer break
    if (rank < best_rank || (rank == best_rank && longest(i) < longest(best))) {
      best = i;
      best_rank = rank;
    }
  }
  if (best == std::string::npos) return {truncate_label(label, max_chars)};
  return {truncate_label(label.substr(0, best), max_chars), truncate_label(label.substr(best), max_chars)};
}

}  // namespace

BoxStats box_stats(std::vector<double> values) {
  std::erase_if(values, [](double v) { return !std::isfinite(v); });
  BoxStats b;
  b.n = values.size();
  if (values.empty()) return b;
  std::sort(values.begin(), values.end());
  b.q1 = quantile(values, 0.25);
  b.median = quantile(values, 0.5);
  b.q3 = quantile(values, 0.75);
  double iqr = b.q3 - b.q1;
  double lo_fence = b.q1 - 1.5 * iqr, hi_fence = b.q3 + 1.5 * iqr;
  b.whisker_low = b.q1;
  b.whisker_high = b.q3;
  double sum = 0;
  for (double v : values) {
    sum += v;
    if (v < lo_fence || v > hi_fence) {
      b.outliers.push_back(v);
    } else {
      b.whisker_low = std::min(b.whisker_low, v);
      b.whisker_high = std::max(b.whisker_high, v);
    }
  }
  b.mean = sum / static_cast<double>(values.size());
  return b;
}

std::string render_distribution_chart(const DistributionChart& chart, Palette& palette) {
  // Usable values per group, and the data range.
  std::vector<std::vector<double>> kept(chart.groups.size());
  std::vector<size_t> dropped(chart.groups.size(), 0);
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (size_t g = 0; g < chart.groups.size(); ++g) {
    for (double v : chart.groups[g].values) {
      if (!std::isfinite(v) || (chart.log_y && v <= 0)) {
        ++dropped[g];
        continue;
      }
      kept[g].push_back(v);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  if (!std::isfinite(lo)) {
    lo = chart.log_y ? 1 : 0;
    hi = chart.log_y ? 10 : 1;
  }
  double ymin, ymax;
  if (chart.log_y) {
    double span = hi > lo ? std::log(hi / lo) : std::log(2.0);
    ymin = lo / std::exp(span * 0.05);
    ymax = hi * std::exp(span * 0.05);
  } else {
    double pad = hi > lo ? (hi - lo) * 0.05 : std::max(std::abs(hi) * 0.1, 0.5);
    ymin = lo - pad;
    ymax = hi + pad;
  }

  frame::Area a;
  a.left = 66;
  a.top = chart.title.empty() ? 16 : 40;
  a.right = chart.width - 16;
  size_t n = std::max<size_t>(1, chart.groups.size());
  double slot = (a.right - a.left) / static_cast<double>(n);
  size_t max_chars = static_cast<size_t>(std::max(6.0, slot / 7.5));
  std::vector<std::vector<std::string>> names;
  size_t rows = 1;
  for (const auto& g : chart.groups) {
    names.push_back(label_lines(g.label, max_chars));
    rows = std::max(rows, names.back().size());
  }
  a.bottom = chart.height - 56 - 15.0 * static_cast<double>(rows - 1);
  Scale ys(ymin, ymax, a.bottom, a.top, chart.log_y);

  std::string svg = frame::open_svg(chart.width, chart.height, chart.title, "distribution-chart");
  svg += frame::title_text(chart.width, chart.title);
  svg += frame::y_axis(a, chart.log_y ? log10_ticks(ymin, ymax) : linear_ticks(ymin, ymax, 5), ys,
                       chart.y_label);
  svg += "<line x1=\"" + px(a.left) + "\" y1=\"" + px(a.bottom) + "\" x2=\"" + px(a.right) +
         "\" y2=\"" + px(a.bottom) + "\" stroke=\"#555\"/>";

  double box_w = std::min(70.0, slot * 0.45);
  for (size_t g = 0; g < chart.groups.size(); ++g) {
    const auto& group = chart.groups[g];
    const SeriesStyle& style =
        palette.style(group.colour_key.empty() ? group.label : group.colour_key);
    const std::string& c = style.colour;
    double cx = a.left + slot * (static_cast<double>(g) + 0.5);
    BoxStats b = box_stats(kept[g]);
    svg += "<g class=\"series\" data-series=\"" + escape(group.label) + "\">";
    if (chart.show_points) {
      svg += "<g class=\"points\" fill=\"" + c + "\" fill-opacity=\"0.35\">";
      size_t cap = std::max<size_t>(1, chart.max_points);
      size_t step = kept[g].size() > cap ? kept[g].size() / cap + 1 : 1;
      for (size_t i = 0; i < kept[g].size(); i += step) {
        svg += "<circle cx=\"" + px(cx + jitter(i) * box_w * 0.75) + "\" cy=\"" +
               px(ys(kept[g][i])) + "\" r=\"1.8\"/>";
      }
      svg += "</g>";
    }
    if (b.n > 0) {
      std::string tip = group.label + ": n = " + std::to_string(b.n) + ", median " +
                        format_number(b.median) + ", quartiles " + format_number(b.q1) + " to " +
                        format_number(b.q3) + ", mean " + format_number(b.mean);
      if (dropped[g] > 0) tip += " (" + std::to_string(dropped[g]) + " values not drawable left out)";
      svg += "<g class=\"box\"><title>" + escape(tip) + "</title>";
      svg += "<line x1=\"" + px(cx) + "\" y1=\"" + px(ys(b.whisker_low)) + "\" x2=\"" + px(cx) +
             "\" y2=\"" + px(ys(b.whisker_high)) + "\" stroke=\"#333\" stroke-width=\"1.3\"/>";
      for (double w : {b.whisker_low, b.whisker_high}) {
        svg += "<line x1=\"" + px(cx - box_w / 4) + "\" y1=\"" + px(ys(w)) + "\" x2=\"" +
               px(cx + box_w / 4) + "\" y2=\"" + px(ys(w)) + "\" stroke=\"#333\" stroke-width=\"1.3\"/>";
      }
      svg += "<rect x=\"" + px(cx - box_w / 2) + "\" y=\"" + px(ys(b.q3)) + "\" width=\"" +
             px(box_w) + "\" height=\"" + px(std::max(1.0, ys(b.q1) - ys(b.q3))) + "\" fill=\"" + c +
             "\" fill-opacity=\"0.25\" stroke=\"" + c + "\" stroke-width=\"1.6\"/>";
      svg += "<line x1=\"" + px(cx - box_w / 2) + "\" y1=\"" + px(ys(b.median)) + "\" x2=\"" +
             px(cx + box_w / 2) + "\" y2=\"" + px(ys(b.median)) + "\" stroke=\"#222\" stroke-width=\"2.4\"/>";
      if (!chart.show_points) {
        for (double o : b.outliers) {
          svg += "<circle cx=\"" + px(cx) + "\" cy=\"" + px(ys(o)) + "\" r=\"2.2\" fill=\"none\" stroke=\"" +
                 c + "\"/>";
        }
      }
      svg += "</g>";
    }
    const auto& lines = names[g];
    for (size_t l = 0; l < lines.size(); ++l) {
      svg += "<text x=\"" + px(cx) + "\" y=\"" + px(a.bottom + 19 + 15.0 * static_cast<double>(l)) +
             "\" text-anchor=\"middle\" fill=\"#333\">" + escape(lines[l]) + "<title>" +
             escape(group.label) + "</title></text>";
    }
    svg += "<text x=\"" + px(cx) + "\" y=\"" + px(a.bottom + 20 + 15.0 * static_cast<double>(lines.size())) +
           "\" text-anchor=\"middle\" fill=\"#777\" font-size=\"11\">n = " + std::to_string(b.n) +
           "</text>";
    svg += "</g>";
  }
  return svg + frame::close_svg();
}

}  // namespace rlvr::report
