// Unit tests of the HTML page builder and of the analysis report's files.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "markup_check.h"
#include "rlvr/report/analysis_report.h"
#include "rlvr/report/html_page.h"
#include "rlvr/util/files.h"
#include "sample_analysis.h"

namespace fs = std::filesystem;
using rlvr::testing::count;
using namespace rlvr::report;
using rlvr::testing::check_markup;

namespace {

fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("rlvr_report_test_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

}  // namespace

TEST(HtmlPage, NestsSectionsAndEscapesEverything) {
  HtmlPage page("T <1>", "sub & title");
  page.section("First", "first").paragraph("a < b & c").collapsible_list("ids", {"x<y>", "z"});
  page.section("Second", "second").subheading("h").bullet_list({"n1", "n2"});
  Table t;
  t.header = {"name", "value"};
  t.rows = {{text_cell("\"q\""), number_cell(0.12345, 3)}, {text_cell("r"), ci_cell(0.5, 0.4, 0.6, 2)}};
  page.table(t).collapsible_list("empty", {});
  page.footer("f");
  std::string html = page.render();
  EXPECT_EQ(check_markup(html), "");
  EXPECT_EQ(count(html, "<section"), 2);
  EXPECT_EQ(count(html, "</section>"), 2);
  EXPECT_NE(html.find("<title>T &lt;1&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("a &lt; b &amp; c"), std::string::npos);
  EXPECT_NE(html.find("<li>x&lt;y&gt;</li>"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">0.123</td>"), std::string::npos);
  EXPECT_NE(html.find("0.50 [0.40, 0.60]"), std::string::npos);
  EXPECT_NE(html.find("<summary>ids (2)</summary>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"#second\">Second</a>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);   // works without scripts
  EXPECT_EQ(html.find("http://"), std::string::npos);   // nothing fetched from elsewhere
  EXPECT_EQ(html.find("https://"), std::string::npos);
}

TEST(HtmlPage, NumberCells) {
  EXPECT_EQ(number_cell(-0.0001, 2).text, "0.00");
  EXPECT_EQ(number_cell(std::nan(""), 2).text, "n/a");
  EXPECT_EQ(count_share_cell(37, 300).text, "37 (12.3%)");
  EXPECT_EQ(count_share_cell(3, 0).text, "3");
  EXPECT_TRUE(int_cell(5).numeric);
}

TEST(AnalysisReport, WritesAllFilesWellFormed) {
  fs::path dir = fresh_dir("files");
  write_analysis_report(rlvr::testing::sample_analysis(), dir);
  for (const char* f : {"report.html", "pass_at_k.svg", "maj_at_k.svg", "accuracy_histogram.svg", "cover_at_tau.svg"}) {
    ASSERT_TRUE(fs::exists(dir / f)) << f;
    EXPECT_EQ(check_markup(rlvr::read_file(dir / f)), "") << f;
  }
  // No temporary files are left beside the outputs.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 5);

  std::string html = rlvr::read_file(dir / "report.html");
  std::string pass = rlvr::read_file(dir / "pass_at_k.svg");
  EXPECT_NE(html.find(pass.substr(0, pass.size() - 1)), std::string::npos);  // embedded inline
  for (const char* label : {"base", "rl"}) {
    EXPECT_NE(pass.find("data-series=\"" + std::string(label) + "\""), std::string::npos) << label;
  }
  EXPECT_NE(pass.find("data-series=\"grpo &lt;v2&gt; &amp; &quot;kl&quot;\""), std::string::npos);
  EXPECT_EQ(count(pass, "class=\"band\""), 3);
  // Headline figures: pass@1 and pass@128 of base with intervals, crossover, Delta_SE, coverage.
  EXPECT_NE(html.find("0.610 [0.580, 0.640]"), std::string::npos);
  EXPECT_NE(html.find("<th title=\"expected share solved by at least one of k samples, with its interval\" scope=\"col\">pass@128</th>"),
            std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">16</td>"), std::string::npos);     // crossover k
  EXPECT_NE(html.find(">0.185</td>"), std::string::npos);                   // Delta_SE
  EXPECT_NE(html.find("455 (91.0%)"), std::string::npos);                   // both
  EXPECT_NE(html.find("<summary>Solved only by rl (10)</summary>"), std::string::npos);
  EXPECT_NE(html.find("<li>test/&lt;odd&gt; &amp; &quot;id&quot;</li>"), std::string::npos);
  EXPECT_NE(html.find("3 problems dropped: missing for model rl"), std::string::npos);
  EXPECT_NE(html.find("127 / 128"), std::string::npos);  // per-problem counts: correct / n
  // The findings box comes first, with the verdict from the paired intervals:
  // rl's pass@1 is 0.17 above base, its pass@128 0.025 below (band 0.015).
  size_t findings = html.find("id=\"findings\"");
  ASSERT_NE(findings, std::string::npos);
  EXPECT_LT(findings, html.find("<table"));
  EXPECT_NE(html.find("rl sharpens and narrows: pass@1 0.780 vs 0.610 for base, difference +0.170"),
            std::string::npos);
  // The paired differences' table: rl minus base at k = 1, k = 128 and the crossover k = 16.
  std::string paired = html.substr(html.find("<caption>Paired differences"));
  EXPECT_NE(paired.find(">+0.170<span class=\"detail\">[+0.155, +0.185]</span>"), std::string::npos);
  EXPECT_NE(paired.find(">-0.025<span class=\"detail\">[-0.040, -0.010]</span>"), std::string::npos);
  EXPECT_NE(paired.find("<td>sharpens and narrows</td>"), std::string::npos);
  // cover@tau: a column per tau, each value with its interval.
  EXPECT_NE(html.find(">tau = 0.5<"), std::string::npos);
  EXPECT_NE(html.find(">0.680<span class=\"detail\">[0.640, 0.720]</span>"), std::string::npos);  // base at 0.5
}

TEST(AnalysisReport, NoMajFigureWithoutAnswersAndNoBandWithoutIntervals) {
  rlvr::Analysis a = rlvr::testing::sample_analysis();
  a.bootstrap = 0;  // no bootstrap was run: no interval anywhere
  for (auto& m : a.models) {
    m.maj_at_k.clear();
    for (auto& p : m.pass_at_k) p.ci_low = p.ci_high = 0;
    for (auto& p : m.cover_at_tau) p.ci_low = p.ci_high = 0;
  }
  fs::path dir = fresh_dir("nomaj");
  rlvr::write_file_atomically(dir / "maj_at_k.svg", "stale");
  write_analysis_report(a, dir);
  EXPECT_FALSE(fs::exists(dir / "maj_at_k.svg"));
  std::string html = rlvr::read_file(dir / "report.html");
  EXPECT_EQ(html.find("maj@"), std::string::npos);
  EXPECT_EQ(html.find("class=\"band\""), std::string::npos);
  EXPECT_EQ(check_markup(html), "");
}

TEST(AnalysisReport, EmptyAnalysisStillGivesAPage) {
  fs::path dir = fresh_dir("empty");
  write_analysis_report(rlvr::Analysis{}, dir);
  EXPECT_EQ(check_markup(rlvr::read_file(dir / "report.html")), "");
  EXPECT_EQ(check_markup(rlvr::read_file(dir / "pass_at_k.svg")), "");
}

// The blocks the study report added: compact tables with stacked intervals,
// a row of figures, grouped collapsible lists, highlighted text, ids on h3.
TEST(HtmlPage, StudyBlocksAreEscapedAndNested) {
  HtmlPage page("T");
  page.section("S", "s").subheading("Part <1>", "s-part").highlight("Lead <b>.", "x & y", "s-lead");
  Table t;
  t.compact = true;
  t.header = {"m", "pass@1"};
  t.rows = {{text_cell("a"), stacked_ci_cell(0.5, 0.4, 0.6, 2)}};
  page.table(t);
  page.figure_row({{"<svg></svg>", "left <", "s-left"}, {"<svg></svg>", "right", "s-right"}});
  page.collapsible_lists("pair <a, b>", {{"only a", {"p<1>"}}, {"only b", {}}});
  std::string html = page.render();
  EXPECT_EQ(check_markup(html), "");
  EXPECT_NE(html.find("<h3 id=\"s-part\">Part &lt;1&gt;</h3>"), std::string::npos);
  EXPECT_NE(html.find("<p class=\"highlight\" id=\"s-lead\"><strong>Lead &lt;b&gt;.</strong> x &amp; y</p>"),
            std::string::npos);
  EXPECT_NE(html.find("<table class=\"compact\">"), std::string::npos);
  EXPECT_NE(html.find(">0.50<span class=\"detail\">[0.40, 0.60]</span></td>"), std::string::npos);
  std::string row = html.substr(html.find("<div class=\"figure-row\">"));
  EXPECT_LT(row.find("id=\"s-left\""), row.find("id=\"s-right\""));
  EXPECT_LT(row.find("id=\"s-right\""), row.find("</div>"));
  EXPECT_NE(html.find("<summary class=\"group\">pair &lt;a, b&gt;</summary>"), std::string::npos);
  EXPECT_NE(html.find("<summary>only a (1)</summary>"), std::string::npos);
  EXPECT_NE(html.find("<li>p&lt;1&gt;</li>"), std::string::npos);
  EXPECT_EQ(count(html, "<details"), 3);
  EXPECT_EQ(count(html, "</details>"), 3);
}
