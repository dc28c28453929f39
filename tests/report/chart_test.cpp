// Unit tests of the chart primitives: escaping, ticks, bands, bar heights,
// colours and well-formed output.
#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <string>
#include <vector>

#include "markup_check.h"
#include "sample_analysis.h"
#include "rlvr/report/analysis_figures.h"
#include "rlvr/report/axis.h"
#include "rlvr/report/bar_chart.h"
#include "rlvr/report/distribution_chart.h"
#include "rlvr/report/line_chart.h"
#include "rlvr/report/palette.h"
#include "rlvr/report/text.h"

using namespace rlvr::report;
using rlvr::testing::check_markup;
using rlvr::testing::count;

namespace {

std::vector<double> tick_values(const std::vector<Tick>& ticks) {
  std::vector<double> v;
  for (const auto& t : ticks) v.push_back(t.value);
  return v;
}

LineChart two_series_chart(bool first_has_ci) {
  LineChart c;
  c.title = "pass@k";
  c.y_label = "pass@k";
  LineSeries a{"base", {}}, b{"rl", {}};
  for (int k = 1; k <= 64; k *= 2) {
    LinePoint p{static_cast<double>(k), 0.5, std::nullopt, std::nullopt};
    if (first_has_ci) {
      p.low = 0.4;
      p.high = 0.6;
    }
    a.points.push_back(p);
    b.points.push_back({static_cast<double>(k), 0.7, std::nullopt, std::nullopt});
  }
  c.series = {a, b};
  return c;
}

}  // namespace

TEST(Escape, ReplacesMarkupCharactersAndForbiddenBytes) {
  EXPECT_EQ(escape("a<b&\"c\">'d'"), "a&lt;b&amp;&quot;c&quot;&gt;&#39;d&#39;");
  EXPECT_EQ(escape("caf\xC3\xA9 \xCE\x94SE"), "caf\xC3\xA9 \xCE\x94SE");  // valid UTF-8 kept
  EXPECT_EQ(escape(std::string("x\x01y", 3)), "x\xEF\xBF\xBDy");         // control byte
  EXPECT_EQ(escape("bad \xC3 end"), "bad \xEF\xBF\xBD end");             // cut sequence
  EXPECT_EQ(escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST(Escape, HostileLabelDoesNotBreakAnyChart) {
  const std::string label = "m</text><script>alert(1)</script>&\"'";
  Palette palette;
  LineChart lc = two_series_chart(true);
  lc.series[0].label = label;
  lc.title = label;
  std::string line = render_line_chart(lc, palette);
  EXPECT_EQ(check_markup(line), "");
  EXPECT_EQ(line.find("<script>"), std::string::npos);
  EXPECT_NE(line.find("data-series=\"" + escape(label) + "\""), std::string::npos);

  BarChart bc;
  bc.categories = {label};
  bc.series = {{label, {3}}};
  std::string bar = render_bar_chart(bc, palette);
  EXPECT_EQ(check_markup(bar), "");
  EXPECT_EQ(bar.find("<script>"), std::string::npos);

  DistributionChart dc;
  dc.groups = {{label, {1, 2, 3}, ""}};
  std::string dist = render_distribution_chart(dc, palette);
  EXPECT_EQ(check_markup(dist), "");
  EXPECT_EQ(dist.find("<script>"), std::string::npos);
}

TEST(MarkupCheck, CatchesBrokenNesting) {
  EXPECT_EQ(check_markup("<svg><g><rect/></g></svg>"), "");
  EXPECT_NE(check_markup("<svg><g></svg></g>"), "");
  EXPECT_NE(check_markup("<p>a < b</p>"), "");
  EXPECT_NE(check_markup("<p>a & b</p>"), "");
  EXPECT_NE(check_markup("<g data-x=\"<\"></g>"), "");
}

TEST(Ticks, Log2TicksArePowersOfTwoInRange) {
  EXPECT_EQ(tick_values(log2_ticks(1, 128)), (std::vector<double>{1, 2, 4, 8, 16, 32, 64, 128}));
  EXPECT_EQ(log2_ticks(1, 128).back().label, "128");
  // Arbitrary k lists: only the powers inside [3, 100].
  EXPECT_EQ(tick_values(log2_ticks(3, 100)), (std::vector<double>{4, 8, 16, 32, 64}));
  // Padded range around k = 1 .. 1024 still labels 1 and thins to at most 11 ticks.
  auto wide = tick_values(log2_ticks(0.8, 1300, 11));
  EXPECT_EQ(wide.front(), 1);
  EXPECT_EQ(wide.back(), 1024);
  EXPECT_LE(wide.size(), 11u);
  auto thin = tick_values(log2_ticks(1, 65536, 6));
  EXPECT_EQ(thin, (std::vector<double>{1, 8, 64, 512, 4096, 32768}));
  EXPECT_TRUE(log2_ticks(0, 10).empty());
}

TEST(Ticks, LinearTicksAreRound) {
  EXPECT_EQ(tick_values(linear_ticks(0, 1, 5)), (std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1.0}));
  EXPECT_EQ(linear_ticks(0, 1, 5)[1].label, "0.2");
  EXPECT_EQ(tick_values(linear_ticks(-3, 17, 4)), (std::vector<double>{0, 5, 10, 15}));
  EXPECT_EQ(nice_ceiling(108), 120);
  EXPECT_EQ(nice_ceiling(0.93), 1.0);
}

TEST(Ticks, Log10TicksOnShortAndNarrowRanges) {
  EXPECT_EQ(tick_values(log10_ticks(1, 100)), (std::vector<double>{1, 2, 5, 10, 20, 50, 100}));
  EXPECT_EQ(tick_values(log10_ticks(0.9, 6.4)), (std::vector<double>{1, 1.5, 2, 3, 4, 5}));
  EXPECT_EQ(tick_values(log10_ticks(0.5, 5e5)), (std::vector<double>{1, 10, 100, 1e3, 1e4, 1e5}));
  auto narrow = log10_ticks(1.1, 1.9);
  EXPECT_GE(narrow.size(), 2u);
  for (const auto& t : narrow) EXPECT_TRUE(t.value >= 1.1 && t.value <= 1.9) << t.value;
}

TEST(Ticks, Log2ScalePutsEqualRatiosAtEqualDistances) {
  Scale s(1, 256, 0, 800, true);
  EXPECT_DOUBLE_EQ(s(1), 0);
  EXPECT_DOUBLE_EQ(s(256), 800);
  EXPECT_NEAR(s(16), 400, 1e-9);
  EXPECT_NEAR(s(4) - s(2), s(128) - s(64), 1e-9);
}

TEST(LineChart, TickLabelsSitAtTheirPositions) {
  Palette palette;
  LineChart c = two_series_chart(false);
  std::string svg = render_line_chart(c, palette);
  // Every power of two from 1 to 64 is labelled on the x axis, in order.
  std::regex label(R"re(<text x="([0-9.]+)" y="[0-9.]+" text-anchor="middle" fill="#333">([0-9]+)</text>)re");
  std::vector<std::pair<double, int>> found;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), label); it != std::sregex_iterator(); ++it) {
    found.emplace_back(std::stod((*it)[1]), std::stoi((*it)[2]));
  }
  ASSERT_EQ(found.size(), 7u);
  for (size_t i = 0; i < found.size(); ++i) EXPECT_EQ(found[i].second, 1 << i);
  // Log spacing: equal gaps between successive powers.
  double gap = found[1].first - found[0].first;
  EXPECT_GT(gap, 20);
  for (size_t i = 2; i < found.size(); ++i) EXPECT_NEAR(found[i].first - found[i - 1].first, gap, 0.02);
}

TEST(LineChart, ArbitraryKListsAreLabelledAtTheirValues) {
  Palette palette;
  LineChart c;
  c.series = {{"m", {{1, 0.2, {}, {}}, {5, 0.4, {}, {}}, {10, 0.5, {}, {}}, {50, 0.7, {}, {}}, {100, 0.8, {}, {}}}}};
  std::string svg = render_line_chart(c, palette);
  for (const char* k : {">1</text>", ">5</text>", ">10</text>", ">50</text>", ">100</text>"}) {
    EXPECT_NE(svg.find(k), std::string::npos) << k;
  }
  EXPECT_EQ(svg.find(">64</text>"), std::string::npos);
  // Dense k lists fall back to powers of two.
  c.series[0].points.clear();
  for (int k = 1; k <= 20; ++k) c.series[0].points.push_back({double(k), 0.5, {}, {}});
  svg = render_line_chart(c, palette);
  EXPECT_NE(svg.find(">16</text>"), std::string::npos);
  EXPECT_EQ(svg.find(">3</text>"), std::string::npos);
}

TEST(LineChart, LongLogCurvesGetMarkersAtPowersOfTwoOnly) {
  Palette palette;
  LineChart c;
  LineSeries s{"every-k", {}};
  for (int k = 1; k <= 256; ++k) s.points.push_back({double(k), 1 - 1.0 / (k + 1), {}, {}});
  c.series = {s};
  std::string svg = render_line_chart(c, palette);
  // Circles: 9 markers (k = 1, 2, ..., 256) and the legend's.
  EXPECT_EQ(count(svg, "<circle"), 9 + 1);
  EXPECT_NE(svg.find("every-k: k = 256, 0.996"), std::string::npos);
}

TEST(LineChart, BandOnlyWhenIntervalsPresent) {
  Palette palette;
  std::string with = render_line_chart(two_series_chart(true), palette);
  std::string without = render_line_chart(two_series_chart(false), palette);
  EXPECT_EQ(count(with, "class=\"band\""), 1);  // only "base" has intervals
  EXPECT_EQ(count(without, "class=\"band\""), 0);
  // The band belongs to the series that has it.
  size_t base_group = with.find("data-series=\"base\"");
  size_t rl_group = with.find("data-series=\"rl\"");
  size_t band = with.find("class=\"band\"");
  EXPECT_LT(base_group, band);
  EXPECT_LT(band, rl_group);

  LineChart partial = two_series_chart(true);
  partial.series[0].points[3].high.reset();  // one point without interval: no band
  EXPECT_FALSE(has_band(partial.series[0]));
  EXPECT_EQ(count(render_line_chart(partial, palette), "class=\"band\""), 0);
}

TEST(LineChart, OneGroupPerSeriesAndWellFormed) {
  Palette palette;
  LineChart c = two_series_chart(true);
  std::string svg = render_line_chart(c, palette);
  EXPECT_EQ(check_markup(svg), "");
  EXPECT_EQ(count(svg, "class=\"series\""), 2);
  EXPECT_EQ(count(svg, "<circle"), 7 + 1);  // base markers are circles (7) + its legend marker
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
}

TEST(LineChart, LinearModeAndBadPointsAreHandled) {
  Palette palette;
  LineChart c;
  c.x_scale = XScale::linear;
  c.x_label = "step";
  c.y_min.reset();
  c.y_max.reset();
  LineSeries s{"reward", {}};
  for (int step = 0; step <= 500; step += 5) s.points.push_back({double(step), 0.1 + step * 0.001, {}, {}});
  s.points.push_back({510, std::nan(""), {}, {}});
  c.series = {s};
  std::string svg = render_line_chart(c, palette);
  EXPECT_EQ(check_markup(svg), "");
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("class=\"markers\""), std::string::npos);  // 101 points: no markers
  EXPECT_NE(svg.find(">500</text>"), std::string::npos);

  LineChart empty;
  EXPECT_EQ(check_markup(render_line_chart(empty, palette)), "");
}

TEST(LineChart, AllZeroNonNegativeSeriesKeepsTheAxisAtZeroAndAbove) {
  Palette palette;
  LineChart c;
  c.x_scale = XScale::linear;
  c.y_min.reset();
  c.y_max.reset();
  LineSeries s{"clip fraction", {}};
  for (int step = 0; step <= 50; step += 10) s.points.push_back({double(step), 0.0, {}, {}});
  c.series = {s};
  std::string svg = render_line_chart(c, palette);
  EXPECT_EQ(check_markup(svg), "");
  EXPECT_EQ(svg.find(">-"), std::string::npos) << "a negative tick label on a chart of zeros";
  EXPECT_NE(svg.find(">0</text>"), std::string::npos);

  // Data that are negative still get room below them.
  c.series[0].points.back().y = -1.0;
  svg = render_line_chart(c, palette);
  EXPECT_NE(svg.find(">-1"), std::string::npos);
}

TEST(BarChart, HeightsAreProportionalToValues) {
  Palette palette;
  BarChart c;
  c.categories = {"a", "b", "c"};
  c.series = {{"base", {10, 20, 40}}, {"rl", {5, 0, 30}}};
  std::string svg = render_bar_chart(c, palette);
  EXPECT_EQ(check_markup(svg), "");
  std::regex bar(R"re(<rect class="bar" data-value="([0-9.]+)" x="[0-9.]+" y="[0-9.]+" width="[0-9.]+" height="([0-9.]+)")re");
  std::vector<std::pair<double, double>> bars;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), bar); it != std::sregex_iterator(); ++it) {
    bars.emplace_back(std::stod((*it)[1]), std::stod((*it)[2]));
  }
  ASSERT_EQ(bars.size(), 6u);
  double per_unit = bars[2].second / 40.0;  // the tallest bar
  ASSERT_GT(per_unit, 0);
  for (auto [value, height] : bars) EXPECT_NEAR(height, value * per_unit, 0.02) << value;
  EXPECT_EQ(bars[4].second, 0);
}

TEST(Palette, SameLabelSameColourAndFirstComeFirstServed) {
  Palette p;
  p.reserve_order({"base", "rl"});
  EXPECT_EQ(p.colour("base"), Palette::colours()[0]);
  EXPECT_EQ(p.colour("rl"), Palette::colours()[1]);
  EXPECT_EQ(p.colour("distill"), Palette::colours()[2]);
  EXPECT_EQ(p.colour("base"), Palette::colours()[0]);
  // Across figures of one report: both charts use the palette's colour for "rl".
  LineChart lc = two_series_chart(false);
  BarChart bc;
  bc.categories = {"x"};
  bc.series = {{"rl", {1}}};
  std::string line = render_line_chart(lc, p), bar = render_bar_chart(bc, p);
  EXPECT_NE(line.find("stroke=\"" + p.colour("rl") + "\""), std::string::npos);
  EXPECT_NE(bar.find("fill=\"" + p.colour("rl") + "\""), std::string::npos);
  // Past the eight colours, styles repeat with a dash.
  for (int i = 0; i < 8; ++i) p.style("extra" + std::to_string(i));
  EXPECT_EQ(p.style("extra5").colour, Palette::colours()[0]);
  EXPECT_FALSE(p.style("extra5").dash.empty());
}

TEST(Distribution, BoxStatsByHand) {
  // 1..9 and an outlier 100: quartiles by linear interpolation over 10 values.
  BoxStats b = box_stats({1, 2, 3, 4, 5, 6, 7, 8, 9, 100, std::nan("")});
  EXPECT_EQ(b.n, 10u);
  EXPECT_DOUBLE_EQ(b.q1, 3.25);
  EXPECT_DOUBLE_EQ(b.median, 5.5);
  EXPECT_DOUBLE_EQ(b.q3, 7.75);
  EXPECT_DOUBLE_EQ(b.whisker_low, 1);
  EXPECT_DOUBLE_EQ(b.whisker_high, 9);
  ASSERT_EQ(b.outliers.size(), 1u);
  EXPECT_EQ(b.outliers[0], 100);
  EXPECT_DOUBLE_EQ(b.mean, 14.5);
  EXPECT_EQ(box_stats({}).n, 0u);
}

TEST(Distribution, LogScaleDropsNonPositiveAndColoursByKey) {
  Palette p;
  p.reserve_order({"base", "rl"});
  DistributionChart c;
  c.log_y = true;
  c.y_label = "perplexity under base";
  c.groups = {{"PPL_base(Y_base)", {1.2, 1.5, 2.0, 3.5}, "base"}, {"PPL_base(Y_rl)", {1.1, 1.2, 0.0, -1}, "rl"}};
  std::string svg = render_distribution_chart(c, p);
  EXPECT_EQ(check_markup(svg), "");
  EXPECT_EQ(count(svg, "class=\"series\""), 2);
  EXPECT_NE(svg.find("n = 2"), std::string::npos);  // two values kept of the second group
  EXPECT_NE(svg.find("2 values not drawable left out"), std::string::npos);
  EXPECT_NE(svg.find("fill=\"" + p.colour("rl") + "\""), std::string::npos);
}

// Six groups in 880 px leave about 19 characters a label: a longer one breaks
// before its '(' into two lines, and the short ones stay whole.
TEST(Distribution, LongGroupLabelsBreakIntoTwoLines) {
  Palette p;
  DistributionChart c;
  for (const char* label : {"PPL_base(Y_base)", "PPL_base(Y_grpo)", "PPL_base(Y_rloo)", "PPL_base(Y_distilled)",
                            "PPL_grpo(Y_grpo)", "PPL_rloo(Y_rloo)"}) {
    c.groups.push_back({label, {1.2, 1.4, 1.9}, ""});
  }
  std::string svg = render_distribution_chart(c, p);
  EXPECT_EQ(check_markup(svg), "");
  EXPECT_NE(svg.find(">PPL_base<title>PPL_base(Y_distilled)</title>"), std::string::npos);
  EXPECT_NE(svg.find(">(Y_distilled)<title>PPL_base(Y_distilled)</title>"), std::string::npos);
  EXPECT_NE(svg.find(">PPL_base(Y_base)<title>"), std::string::npos);
  EXPECT_EQ(svg.find("\xE2\x80\xA6"), std::string::npos);  // nothing cut
}

namespace rlvr::report {
namespace {

TEST(Text, WrapWordsKeepsEveryWordInOrderWithinTheWidth) {
  const std::string text = "base \xE2\x89\xA5 ppo, grpo, reinforce_pp, rloo, distill from k = 16";
  std::vector<std::string> lines = wrap_words(text, 120, 11);
  ASSERT_GT(lines.size(), 1u);
  std::string joined;
  for (const auto& l : lines) {
    EXPECT_LE(estimate_text_width(l, 11), 120) << l;
    joined += (joined.empty() ? "" : " ") + l;
  }
  EXPECT_EQ(joined, text);
  EXPECT_EQ(wrap_words("one", 1, 11), std::vector<std::string>{"one"});  // too long, still shown
  EXPECT_TRUE(wrap_words("", 100, 11).empty());
}

TEST(LineChart, CrossoversAtTheSameKShareOneMarker) {
  Analysis a = testing::sample_analysis();
  Comparison second = a.comparisons[0];
  second.model = "rloo";
  Comparison third = a.comparisons[0];
  third.model = "ppo";
  third.crossover_k = 8;
  a.comparisons.push_back(second);
  a.comparisons.push_back(third);
  LineChart chart = curve_chart(a, false);
  ASSERT_EQ(chart.x_markers.size(), 2u);
  EXPECT_EQ(chart.x_markers[0].x, 16);
  EXPECT_EQ(chart.x_markers[0].label, "from k = 16: base \xE2\x89\xA5 rl, rloo");
  EXPECT_EQ(chart.x_markers[1].label, "from k = 8: base \xE2\x89\xA5 ppo");
  Palette p;
  std::string svg = render_line_chart(chart, p);
  EXPECT_EQ(check_markup(svg), "");
  EXPECT_EQ(testing::count(svg, "class=\"x-marker\""), 2);
}

TEST(LineChart, CoverAtTauIsOneBandedLinePerModelOverTau) {
  Analysis a = testing::sample_analysis();
  a.bootstrap = 200;
  a.models[0].cover_at_tau = {{0.1, 0.9, 0.85, 0.95}, {0.5, 0.4, 0.3, 0.5}, {0.9, 0.1, 0.05, 0.2}};
  for (size_t i = 1; i < a.models.size(); ++i) a.models[i].cover_at_tau.clear();
  LineChart chart = cover_chart(a);
  ASSERT_EQ(chart.series.size(), 1u);  // only the model that has cover@tau
  EXPECT_EQ(chart.x_scale, XScale::linear);
  ASSERT_EQ(chart.series[0].points.size(), 3u);
  EXPECT_DOUBLE_EQ(chart.series[0].points[1].x, 0.5);
  EXPECT_DOUBLE_EQ(chart.series[0].points[1].y, 0.4);
  EXPECT_DOUBLE_EQ(*chart.series[0].points[1].low, 0.3);
  Palette p;
  std::string svg = render_line_chart(chart, p);
  EXPECT_EQ(check_markup(svg), "");
  EXPECT_EQ(testing::count(svg, "class=\"band\""), 1) << svg.substr(0, 400);
  a.bootstrap = 0;  // no intervals: no band
  EXPECT_FALSE(cover_chart(a).series[0].points[0].low.has_value());
  for (auto& m : a.models) m.cover_at_tau.clear();
  EXPECT_TRUE(cover_chart(a).series.empty());
}

}  // namespace
}  // namespace rlvr::report
