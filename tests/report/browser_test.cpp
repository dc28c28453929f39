// Opens the analysis report in headless Chromium: every figure must come out
// of the browser's parser as a non-empty <svg> with one series per model, and
// a screenshot is saved for people to look at.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "browser.h"
#include "rlvr/report/analysis_report.h"
#include "sample_analysis.h"

namespace fs = std::filesystem;

namespace {

// The markup of <figure id="ID"> ... </figure> in the dumped DOM.
std::string figure_markup(const std::string& dom, const std::string& id) {
  size_t start = dom.find("<figure id=\"" + id + "\"");
  if (start == std::string::npos) return "";
  size_t end = dom.find("</figure>", start);
  return end == std::string::npos ? "" : dom.substr(start, end - start);
}

int count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

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
    ASSERT_FALSE(fig.empty()) << "figure " << id << " missing from the DOM";
    size_t svg = fig.find("<svg");
    ASSERT_NE(svg, std::string::npos) << id;
    EXPECT_NE(fig.find("</svg>"), std::string::npos) << id;
    EXPECT_GT(fig.size() - svg, 2000u) << id << " has an almost empty <svg>";
    // maj@k is present for base and rl only; the others show all three models.
    std::vector<std::string> expected = {"base", "rl"};
    if (std::string(id) != "fig-maj-at-k") expected.push_back("grpo-long-run");
    EXPECT_EQ(count(fig, "class=\"series\""), static_cast<int>(expected.size())) << id;
    for (const auto& label : expected) {
      EXPECT_NE(fig.find("data-series=\"" + label + "\""), std::string::npos) << id << ": " << label;
    }
    EXPECT_NE(fig.find("class=\"legend\""), std::string::npos) << id;
  }
  // Coverage lists arrived as collapsible lists.
  EXPECT_NE(dom.find("<summary>Solved only by rl (10)</summary>"), std::string::npos);

  fs::path png = fs::path(RLVR_BINARY_DIR) / "test-artifacts" / "report.png";
  fs::remove(png);
  rlvr::testing::screenshot(chromium, dir / "report.html", png, 1280, 2400);
  ASSERT_TRUE(fs::exists(png));
  std::ifstream in(png, std::ios::binary);
  char sig[8] = {};
  in.read(sig, 8);
  EXPECT_EQ(std::string(sig, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_GT(fs::file_size(png), 20000u);  // a blank page compresses to a few kB
  std::cout << "screenshot: " << png.string() << "\nreport: " << (dir / "report.html").string() << "\n";
}
