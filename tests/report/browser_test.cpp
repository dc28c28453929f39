// Opens the analysis report in headless Chromium: every figure must come out
// of the browser's parser as a non-empty <svg> with one series per model, and
// a screenshot is saved for people to look at.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <tuple>

#include "support/browser.h"
#include "markup_check.h"
#include "rlvr/report/analysis_report.h"
#include "rlvr/report/distribution_chart.h"
#include "rlvr/report/html_page.h"
#include "rlvr/report/line_chart.h"
#include "rlvr/util/files.h"
#include "sample_analysis.h"

namespace fs = std::filesystem;
using rlvr::testing::count;
using rlvr::testing::figure_markup;


TEST(ReportInBrowser, EveryFigureRendersWithEveryModel) {
  fs::path chromium = rlvr::testing::find_chromium();
  if (chromium.empty()) {
    GTEST_SKIP() << "chromium is not installed (Debian package 'chromium'; scripts/setup.sh installs it)";
  }
  fs::path dir = fs::path(RLVR_BINARY_DIR) / "test-artifacts" / "report";
  fs::remove_all(dir);
  rlvr::Analysis analysis = rlvr::testing::sample_analysis("grpo-long-run");
  rlvr::report::write_analysis_report(analysis, dir);

  std::string dom = rlvr::testing::dump_dom(chromium, dir / "report.html");
  ASSERT_NE(dom.find("<h1>Reasoning boundary analysis</h1>"), std::string::npos) << dom.substr(0, 2000);
  for (const char* id : {"fig-pass-at-k", "fig-maj-at-k", "fig-accuracy-histogram"}) {
    std::string fig = figure_markup(dom, id);
    // maj@k is present for base and rl only; the others show all three models.
    std::vector<std::string> expected = {"base", "rl"};
    if (std::string(id) != "fig-maj-at-k") expected.push_back("grpo-long-run");
    EXPECT_EQ(rlvr::testing::figure_problem(fig, expected), "") << id;
    EXPECT_NE(fig.find("class=\"legend\""), std::string::npos) << id;
  }
  // Coverage lists arrived as collapsible lists.
  EXPECT_NE(dom.find("<summary>Solved only by rl (10)</summary>"), std::string::npos);

  fs::path png = fs::path(RLVR_BINARY_DIR) / "test-artifacts" / "report.png";
  EXPECT_EQ(rlvr::testing::screenshot_problem(chromium, dir / "report.html", png, 1280, 2400, 20000), "");
  std::cout << "screenshot: " << png.string() << "\nreport: " << (dir / "report.html").string() << "\n";
}

// A model name that tries to close the SVG and run a script must stay text.
TEST(ReportInBrowser, HostileModelNameStaysText) {
  fs::path chromium = rlvr::testing::find_chromium();
  if (chromium.empty()) {
    GTEST_SKIP() << "chromium is not installed (Debian package 'chromium'; scripts/setup.sh installs it)";
  }
  fs::path dir = fs::path(RLVR_BINARY_DIR) / "test-artifacts" / "report-hostile";
  fs::remove_all(dir);
  std::string hostile = "rl</svg></figure><script>document.title='owned'</script><b>";
  rlvr::report::write_analysis_report(rlvr::testing::sample_analysis(hostile), dir);
  std::string dom = rlvr::testing::dump_dom(chromium, dir / "report.html");
  EXPECT_NE(dom.find("<title>Reasoning boundary analysis</title>"), std::string::npos);
  EXPECT_EQ(dom.find("owned</title>"), std::string::npos);
  EXPECT_EQ(dom.find("<script"), std::string::npos);
  for (const char* id : {"fig-pass-at-k", "fig-accuracy-histogram"}) {
    std::string fig = figure_markup(dom, id);
    EXPECT_EQ(count(fig, "class=\"series\""), 3) << id;
    EXPECT_NE(fig.find("</svg>"), std::string::npos) << id;
  }
}

// Every chart kind on one page (training curve on a linear axis, perplexity
// distributions on a log axis, a bar chart), opened in the browser and saved
// as build/test-artifacts/chart_gallery.png.
TEST(ChartsInBrowser, GalleryOfAllChartKindsRenders) {
  using namespace rlvr::report;
  fs::path chromium = rlvr::testing::find_chromium();
  if (chromium.empty()) {
    GTEST_SKIP() << "chromium is not installed (Debian package 'chromium'; scripts/setup.sh installs it)";
  }
  Palette palette;
  palette.reserve_order({"base", "grpo", "ppo"});

  LineChart training;
  training.title = "Training reward";
  training.x_scale = XScale::linear;
  training.x_label = "step";
  training.y_label = "mean reward";
  for (std::string algo : {"grpo", "ppo"}) {
    LineSeries s{algo, {}};
    for (int step = 0; step <= 450; step += 10) {
      double r = (algo == "grpo" ? 0.62 : 0.58) - 0.5 * std::exp(-step / 120.0);
      s.points.push_back({double(step), r, r - 0.03, r + 0.03});
    }
    training.series.push_back(s);
  }
  training.y_min.reset();
  training.y_max.reset();

  DistributionChart ppl;
  ppl.title = "Perplexity under the base model";
  ppl.y_label = "perplexity (log scale)";
  ppl.log_y = true;
  for (auto [label, key, centre] : {std::tuple{"PPL_base(Y_base)", "base", 1.6},
                                    std::tuple{"PPL_base(Y_grpo)", "grpo", 1.3},
                                    std::tuple{"PPL_base(Y_ppo)", "ppo", 1.35}}) {
    DistributionGroup g{label, {}, key};
    for (int i = 0; i < 300; ++i) g.values.push_back(centre * std::exp(0.25 * std::sin(i * 1.7) + 0.1 * std::cos(i * 0.31)));
    g.values.push_back(centre * 4);  // an outlier
    ppl.groups.push_back(g);
  }

  HtmlPage page("Chart gallery", "every chart primitive of the report room");
  page.section("Training", "training").figure(render_line_chart(training, palette), "linear x", "fig-training");
  page.section("Perplexity", "perplexity").figure(render_distribution_chart(ppl, palette), "log y", "fig-ppl");
  fs::path dir = fs::path(RLVR_BINARY_DIR) / "test-artifacts";
  fs::create_directories(dir);
  fs::path html = dir / "chart_gallery.html";
  rlvr::write_file_atomically(html, page.render());

  std::string dom = rlvr::testing::dump_dom(chromium, html);
  std::string training_fig = figure_markup(dom, "fig-training");
  std::string ppl_fig = figure_markup(dom, "fig-ppl");
  for (const char* label : {"grpo", "ppo"}) {
    EXPECT_NE(training_fig.find("data-series=\"" + std::string(label) + "\""), std::string::npos) << label;
  }
  EXPECT_EQ(count(ppl_fig, "class=\"series\""), 3);
  EXPECT_NE(ppl_fig.find("data-series=\"PPL_base(Y_grpo)\""), std::string::npos);

  fs::path png = dir / "chart_gallery.png";
  EXPECT_EQ(rlvr::testing::screenshot_problem(chromium, html, png, 1280, 1400, 20000), "");
  std::cout << "screenshot: " << png.string() << "\n";
}
