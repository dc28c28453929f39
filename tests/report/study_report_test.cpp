// The study report: files written, markup well formed, names escaped, ids
// unique across tasks, findings above the figures, one colour per model on
// every figure, and (in a real browser) every figure rendered with its series.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "support/browser.h"
#include "markup_check.h"
#include "rlvr/report/palette.h"
#include "rlvr/report/text.h"
#include "rlvr/report/study_report.h"
#include "rlvr/util/files.h"
#include "sample_study.h"

namespace fs = std::filesystem;
using rlvr::testing::count;
using rlvr::testing::figure_markup;
using rlvr::report::render_study_report;
using rlvr::report::task_prefixes;
using rlvr::report::write_study_report;

namespace {

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::path(RLVR_BINARY_DIR) / "test-artifacts" / name;
  fs::remove_all(dir);
  return dir;
}

std::vector<std::string> all_ids(const std::string& html) {
  std::vector<std::string> ids;
  std::regex re(" id=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator(); ++it) {
    ids.push_back((*it)[1]);
  }
  return ids;
}

// The markup of the element that opens with `opening` up to `closing`.
std::string element(const std::string& html, const std::string& opening, const std::string& closing) {
  size_t start = html.find(opening);
  if (start == std::string::npos) return "";
  size_t end = html.find(closing, start);
  return end == std::string::npos ? "" : html.substr(start, end - start);
}

// The <g class="series" data-series="LABEL"> group of a figure.
std::string series_markup(const std::string& fig, const std::string& label) {
  size_t start = fig.find("<g class=\"series\" data-series=\"" + label + "\"");
  if (start == std::string::npos) return "";
  size_t next = fig.find("<g class=\"series\"", start + 1);
  return fig.substr(start, next == std::string::npos ? std::string::npos : next - start);
}

const std::vector<std::string> kModels = {"base", "grpo", "rloo", "distill"};

// Figure id suffix -> series labels it must show, for a task with all parts.
std::map<std::string, std::vector<std::string>> expected_series(bool steps_valid) {
  std::map<std::string, std::vector<std::string>> e = {
      {"fig-pass-at-k", kModels},
      {"fig-accuracy-histogram", kModels},
      {"fig-perplexity",
       {"PPL_base(Y_base)", "PPL_base(Y_grpo)", "PPL_base(Y_rloo)", "PPL_base(Y_distill)", "PPL_grpo(Y_grpo)",
        "PPL_rloo(Y_rloo)"}},
      {"fig-training-pass-at-1", {"grpo", "rloo"}},
      {"fig-training-pass-at-k", {"grpo", "rloo"}},
      {"fig-training-reward", {"grpo", "rloo"}}};
  if (steps_valid) {
    e["fig-steps-valid-pass-at-k"] = {"base", "base, steps valid", "grpo", "grpo, steps valid", "rloo",
                                      "rloo, steps valid", "distill", "distill, steps valid"};
  }
  return e;
}

}  // namespace

TEST(StudyReport, WritesPageAndEveryFigureAsWellFormedFiles) {
  fs::path dir = fresh_dir("study-files");
  write_study_report(rlvr::testing::sample_study(), dir);
  std::string html = rlvr::read_file(dir / "report.html");
  EXPECT_EQ(rlvr::testing::check_markup(html), "");
  for (const char* task : {"countdown", "modeq"}) {
    for (const char* fig : {"pass_at_k", "accuracy_histogram", "cover_at_tau", "perplexity", "training_pass_at_1",
                            "training_pass_at_k", "training_reward"}) {
      fs::path svg = dir / "figures" / (std::string(task) + "_" + fig + ".svg");
      ASSERT_TRUE(fs::exists(svg)) << svg;
      std::string text = rlvr::read_file(svg);
      EXPECT_EQ(text.rfind("<svg", 0), 0u) << svg;
      EXPECT_NE(text.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos) << svg;
      EXPECT_EQ(rlvr::testing::check_markup(text), "") << svg;
      // The page carries the same figure inline.
      EXPECT_NE(html.find(text.substr(0, 200)), std::string::npos) << svg;
    }
  }
  // Steps-valid counts exist for countdown only.
  EXPECT_TRUE(fs::exists(dir / "figures" / "countdown_steps_valid_pass_at_k.svg"));
  EXPECT_FALSE(fs::exists(dir / "figures" / "modeq_steps_valid_pass_at_k.svg"));
  EXPECT_NE(html.find("id=\"countdown-fig-steps-valid-pass-at-k\""), std::string::npos);
  EXPECT_EQ(html.find("id=\"modeq-fig-steps-valid-pass-at-k\""), std::string::npos);
  // Self-contained: nothing fetched.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));
  // No temporary files left behind by the atomic writes.
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    EXPECT_TRUE(e.is_directory() || e.path().extension() == ".svg" || e.path().extension() == ".html") << e.path();
  }
}

TEST(StudyReport, FiguresOfAnEarlierRunThatNoLongerApplyAreRemoved) {
  fs::path dir = fresh_dir("study-stale");
  auto input = rlvr::testing::sample_study();
  write_study_report(input, dir);
  ASSERT_TRUE(fs::exists(dir / "figures" / "countdown_steps_valid_pass_at_k.svg"));
  input.tasks[0].steps_valid.reset();
  input.tasks[1].training.clear();
  write_study_report(input, dir);
  EXPECT_FALSE(fs::exists(dir / "figures" / "countdown_steps_valid_pass_at_k.svg"));
  EXPECT_FALSE(fs::exists(dir / "figures" / "modeq_training_pass_at_1.svg"));
  EXPECT_TRUE(fs::exists(dir / "figures" / "countdown_training_pass_at_1.svg"));
  std::string html = rlvr::read_file(dir / "report.html");
  EXPECT_NE(html.find("No training curves were recorded for this task."), std::string::npos);
}

TEST(StudyReport, FindingsComeFirstInEachTask) {
  std::string html = render_study_report(rlvr::testing::sample_study());
  for (const char* task : {"countdown", "modeq"}) {
    std::string p = task;
    size_t section = html.find("<section id=\"" + p + "\">");
    size_t findings = html.find("id=\"" + p + "-findings\"");
    size_t first_table = html.find("<table", section);
    size_t first_figure = html.find("<figure", section);
    ASSERT_NE(section, std::string::npos) << task;
    ASSERT_NE(findings, std::string::npos) << task;
    EXPECT_LT(section, findings);
    EXPECT_LT(findings, first_table);
    EXPECT_LT(findings, first_figure);
    EXPECT_NE(html.find("On " + p + ", grpo and rloo raise pass@1"), std::string::npos);
    // A sentence per model, as a list between the summary and the first table.
    size_t item = html.find("<li>rloo sharpens without expanding on " + p + ".</li>");
    ASSERT_NE(item, std::string::npos) << task;
    EXPECT_LT(findings, item);
    EXPECT_LT(item, first_table);
  }
  // An overview of every task comes before the tasks; measures and provenance close the page.
  EXPECT_LT(html.find("<section id=\"overview\">"), html.find("<section id=\"countdown\">"));
  EXPECT_LT(html.find("<section id=\"modeq\">"), html.find("<section id=\"measures\">"));
  EXPECT_LT(html.find("<section id=\"measures\">"), html.find("<section id=\"provenance\">"));
}

TEST(StudyReport, StatesWhatGuessingAloneScoresWhereTheStudyKnowsIt) {
  auto input = rlvr::testing::sample_study();
  input.tasks[0].chance = rlvr::report::GuessChance{256, 0.0907, 0.9999};
  std::string html = render_study_report(input);
  size_t countdown = html.find("<section id=\"countdown\">"), modeq = html.find("<section id=\"modeq\">");
  size_t guess = html.find("Guessing alone");
  ASSERT_NE(guess, std::string::npos);
  EXPECT_LT(countdown, guess);
  EXPECT_LT(guess, modeq);
  EXPECT_NE(html.find("has pass@1 0.0907 and pass@256 0.9999 on these problems", guess), std::string::npos);
  EXPECT_EQ(html.find("Guessing alone", guess + 1), std::string::npos);  // modeq's is not known here
}

TEST(StudyReport, HeadlineTableHasTheReferenceStudyColumns) {
  std::string html = render_study_report(rlvr::testing::sample_study());
  std::string section = element(html, "<section id=\"countdown\">", "</section>");
  std::string table = element(section, "<table", "</table>");
  ASSERT_FALSE(table.empty());
  for (const char* h : {">Model<", ">pass@1<", ">pass@64<", ">Crossover k<", ">\xCE\x94SE<", ">Both solve<",
                        ">base only<", ">Model only<", ">Neither<"}) {
    EXPECT_NE(table.find(h), std::string::npos) << h;
  }
  EXPECT_EQ(count(table, "<tr>"), 5);  // header + four models
  // grpo row: pass@1 0.520 [0.490, 0.550]; crossover 16; coverage 150/20/2/28 of 200.
  std::string grpo = element(table, "<tr><td>grpo</td>", "</tr>");
  EXPECT_NE(grpo.find(">0.520<span class=\"detail\">[0.490, 0.550]</span>"), std::string::npos) << grpo;
  EXPECT_NE(grpo.find(">16<"), std::string::npos) << grpo;
  EXPECT_NE(grpo.find("150 (75.0%)"), std::string::npos) << grpo;
  EXPECT_NE(grpo.find("20 (10.0%)"), std::string::npos) << grpo;
  EXPECT_NE(grpo.find("2 (1.0%)"), std::string::npos) << grpo;
  EXPECT_NE(grpo.find("28 (14.0%)"), std::string::npos) << grpo;
  // Delta_SE = base pass@64 - grpo pass@1; rloo's carries its paired-bootstrap interval.
  double base64 = 0.92 - (0.92 - 0.30) * std::pow(0.70, 6);
  EXPECT_NE(grpo.find(">" + rlvr::report::format_fixed(base64 - 0.52, 3) + "<"), std::string::npos) << grpo;
  std::string rloo = element(table, "<tr><td>rloo</td>", "</tr>");
  EXPECT_NE(rloo.find(rlvr::report::format_fixed(base64 - 0.50, 3) + "<span class=\"detail\">[" +
                      rlvr::report::format_fixed(base64 - 0.54, 3) + ", " +
                      rlvr::report::format_fixed(base64 - 0.45, 3) + "]"),
            std::string::npos)
      << rloo;
  // distill never crosses; base is the baseline and has no comparison cells.
  EXPECT_NE(element(table, "<tr><td>distill</td>", "</tr>")
                .find("title=\"base stays below distill at every k up to 64\">none<"),
            std::string::npos);
  EXPECT_EQ(count(element(table, "<tr><td>base</td>", "</tr>"), "title=\"the baseline\""), 6);
  // Paired differences, the table under it: grpo's pass@1 0.520 - 0.300 with
  // its band of 0.02; at k = 64 the interval holds 0, so grpo only sharpens.
  // Its crossover at k = 16 carries the difference there.
  std::string paired = element(section.substr(section.find("<caption>Paired differences")), "<caption", "</table>");
  ASSERT_FALSE(paired.empty());
  for (const char* h : {">\xCE\x94 pass@1<", ">\xCE\x94 pass@64<", ">\xCE\x94 at crossover k<", ">Verdict<"})
    EXPECT_NE(paired.find(h), std::string::npos) << h;
  EXPECT_EQ(count(paired, "<tr>"), 4);  // header + three compared models
  std::string grpo_paired = element(paired, "<tr><td>grpo</td>", "</tr>");
  EXPECT_NE(grpo_paired.find(">+0.220<span class=\"detail\">[+0.200, +0.240]</span>"), std::string::npos)
      << grpo_paired;
  EXPECT_NE(grpo_paired.find(">16<"), std::string::npos) << grpo_paired;
  EXPECT_NE(grpo_paired.find("<td>sharpens</td>"), std::string::npos) << grpo_paired;
  // distill is above base at k = 64 beyond its band and solves 25 problems base never does.
  EXPECT_NE(element(paired, "<tr><td>distill</td>", "</tr>").find("<td>sharpens and expands</td>"),
            std::string::npos);
  // Steps-valid table: countdown's grpo pass@1 0.520 becomes 0.416.
  EXPECT_NE(section.find(">0.416<span class=\"detail\">[0.392, 0.440]</span>"), std::string::npos);
}

TEST(StudyReport, OverviewShowsEveryModelOnEveryTask) {
  auto input = rlvr::testing::sample_study();
  input.tasks[1].analysis.models.pop_back();  // no distilled model on modeq
  std::string html = render_study_report(input);
  std::string table = element(element(html, "<section id=\"overview\">", "</section>"), "<table", "</table>");
  EXPECT_EQ(count(table, "<tr>"), 3);  // header + two tasks
  for (const char* h : {">Task<", ">k_max<", ">base<", ">grpo<", ">rloo<", ">distill<"}) {
    EXPECT_NE(table.find(h), std::string::npos) << h;
  }
  // countdown's grpo: pass@1 0.520 over pass@64 0.84 - 0.32 * 0.55^6 = 0.831.
  std::string countdown = element(table, "<tr><td>countdown</td>", "</tr>");
  EXPECT_NE(countdown.find(">0.520 / 0.831<"), std::string::npos) << countdown;
  EXPECT_NE(countdown.find(">64<"), std::string::npos);
  // modeq (shifted by 0.08): base pass@1 0.380; distill missing.
  std::string modeq = element(table, "<tr><td>modeq</td>", "</tr>");
  EXPECT_NE(modeq.find(">0.380 / "), std::string::npos) << modeq;
  EXPECT_NE(modeq.find("title=\"not evaluated on this task\""), std::string::npos) << modeq;
}

// With many models the overview turns: a row per model, a column per task.
TEST(StudyReport, OverviewWithManyModelsHasARowPerModel) {
  auto input = rlvr::testing::sample_study();
  for (auto& task : input.tasks) {
    const auto grpo = task.analysis.models[1];
    for (const char* name : {"ppo", "remax", "dapo"}) {
      task.analysis.models.push_back(grpo);
      task.analysis.models.back().label = name;
    }
  }
  std::string html = render_study_report(input);
  std::string table = element(element(html, "<section id=\"overview\">", "</section>"), "<table", "</table>");
  EXPECT_EQ(count(table, "<tr>"), 8);  // header + seven models
  EXPECT_NE(table.find(">countdown (k_max 64)<"), std::string::npos) << table;
  std::string ppo = element(table, "<tr><td>ppo</td>", "</tr>");
  EXPECT_NE(ppo.find(">0.520 / 0.831<"), std::string::npos) << ppo;  // grpo's numbers, copied
}

TEST(StudyReport, TaskPrefixesAreUniqueAndNeverClash) {
  std::vector<rlvr::report::TaskStudy> tasks(6);
  tasks[0].task = "Countdown";
  tasks[1].task = "countdown";
  tasks[2].task = "countdown notes";  // would clash with countdown's "-notes" id
  tasks[3].task = "provenance";       // a section of the page itself
  tasks[4].task = "<&>";
  tasks[5].task = "Mod Eq (hard)";
  EXPECT_EQ(task_prefixes(tasks), (std::vector<std::string>{"countdown", "countdown-2", "countdown-notes-2",
                                                            "provenance-2", "task", "mod-eq-hard"}));
  tasks.resize(1);
  tasks[0].task = "Overview";  // also a section of the page
  EXPECT_EQ(task_prefixes(tasks), (std::vector<std::string>{"overview-2"}));
}

TEST(StudyReport, IdsAreUniqueAcrossTasks) {
  auto input = rlvr::testing::sample_study();
  input.tasks.push_back(rlvr::testing::sample_task("countdown", 0.02, true));  // same name again
  std::string html = render_study_report(input);
  std::vector<std::string> ids = all_ids(html);
  std::set<std::string> unique(ids.begin(), ids.end());
  EXPECT_EQ(unique.size(), ids.size());
  EXPECT_GT(ids.size(), 30u);
  for (const char* id : {"countdown-fig-pass-at-k", "modeq-fig-pass-at-k", "countdown-2-fig-pass-at-k",
                         "countdown-2-fig-steps-valid-pass-at-k", "modeq-fig-perplexity", "countdown-headline",
                         "countdown-coverage", "modeq-fig-training-pass-at-k"}) {
    EXPECT_TRUE(unique.count(id)) << id;
  }
  // Every link of the table of contents has its target.
  std::regex link("href=\"#([^\"]*)\"");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), link); it != std::sregex_iterator(); ++it) {
    EXPECT_TRUE(unique.count((*it)[1])) << (*it)[1];
  }
}

TEST(StudyReport, HostileNamesAreEscapedEverywhere) {
  std::string hostile = "rl</svg><script>alert(1)</script>&\"'";
  auto input = rlvr::testing::sample_study();
  input.name = "<b>study</b>";
  input.tasks[0] = rlvr::testing::sample_task("count<down>", 0.0, true, hostile);
  input.tasks[0].perplexity.push_back({"<scorer>", "x&y", {1.5, 2.0}});
  input.provenance_summary = "commit <abc> & more";
  input.stage_seconds.push_back({"<stage>", 1.0});
  std::string html = render_study_report(input);
  EXPECT_EQ(rlvr::testing::check_markup(html), "");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<b>study"), std::string::npos);
  EXPECT_NE(html.find("Study: &lt;b&gt;study&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("commit &lt;abc&gt; &amp; more"), std::string::npos);
  EXPECT_NE(html.find("PPL_&lt;scorer&gt;(Y_x&amp;y)"), std::string::npos);
  EXPECT_NE(html.find("<section id=\"count-down\">"), std::string::npos);
}

TEST(StudyReport, EachModelKeepsOneColourOnEveryFigure) {
  std::string html = render_study_report(rlvr::testing::sample_study());
  const auto& colours = rlvr::report::Palette::colours();
  // Models take colours in the order they first appear: base, grpo, rloo, distill.
  for (size_t m = 0; m < kModels.size(); ++m) {
    for (const char* task : {"countdown", "modeq"}) {
      for (const char* fig : {"fig-pass-at-k", "fig-accuracy-histogram"}) {
        std::string s = series_markup(figure_markup(html, std::string(task) + "-" + fig), kModels[m]);
        ASSERT_FALSE(s.empty()) << task << " " << fig << " " << kModels[m];
        EXPECT_NE(s.find(colours[m]), std::string::npos) << task << " " << fig << " " << kModels[m];
      }
      std::string ppl = series_markup(figure_markup(html, std::string(task) + "-fig-perplexity"),
                                      "PPL_base(Y_" + kModels[m] + ")");
      EXPECT_NE(ppl.find(colours[m]), std::string::npos) << task << " perplexity " << kModels[m];
    }
  }
  std::string train = series_markup(figure_markup(html, "modeq-fig-training-pass-at-1"), "rloo");
  EXPECT_NE(train.find(colours[2]), std::string::npos);
  // The steps-valid curve of grpo: grpo's colour, dashed.
  std::string valid = series_markup(figure_markup(html, "countdown-fig-steps-valid-pass-at-k"), "grpo, steps valid");
  EXPECT_NE(valid.find(colours[1]), std::string::npos);
  EXPECT_NE(valid.find("stroke-dasharray=\"7 4\""), std::string::npos);
  EXPECT_EQ(series_markup(figure_markup(html, "countdown-fig-steps-valid-pass-at-k"), "grpo").find("stroke-dasharray"),
            std::string::npos);
}

// A study of realistic size (6400 responses a group) keeps its page small:
// each perplexity strip is thinned while the box uses every value.
TEST(StudyReport, LargePerplexityGroupsAreThinned) {
  auto input = rlvr::testing::sample_study();
  for (auto& g : input.tasks[0].perplexity) g.values = rlvr::testing::perplexities(1.5, 6400, 3);
  std::string html = render_study_report(input);
  std::string fig = figure_markup(html, "countdown-fig-perplexity");
  std::string group = series_markup(fig, "PPL_base(Y_grpo)");
  int points = count(group, "<circle");
  EXPECT_LE(points, 1500);
  EXPECT_GE(points, 1000);
  EXPECT_NE(group.find("n = 6400"), std::string::npos);
  EXPECT_LT(html.size(), 3'000'000u);
}

TEST(StudyReport, ProvenanceAndStageTimes) {
  std::string html = render_study_report(rlvr::testing::sample_study());
  std::string section = element(html, "<section id=\"provenance\">", "</section>");
  EXPECT_NE(section.find("<li>seed 7, 2 threads</li>"), std::string::npos);
  // 1800 + 900 + 880 + 400 + 220 + 4.5 + 90 + 0.4 = 4294.9 s.
  EXPECT_NE(section.find(">30 min 00 s<"), std::string::npos);  // pretrain
  EXPECT_NE(section.find(">4.5 s<"), std::string::npos);        // analyze
  EXPECT_NE(section.find(">1 h 11 min<"), std::string::npos);   // total
  EXPECT_NE(section.find(">41.9%<"), std::string::npos);        // pretrain's share
  EXPECT_NE(section.find(">&lt;0.1%<"), std::string::npos);     // report: 0.4 s of 4294.9
}

TEST(StudyReport, EmptyStudyStillWritesAPage) {
  fs::path dir = fresh_dir("study-empty");
  rlvr::report::StudyReportInput input;
  input.name = "nothing yet";
  write_study_report(input, dir);
  std::string html = rlvr::read_file(dir / "report.html");
  EXPECT_EQ(rlvr::testing::check_markup(html), "");
  EXPECT_NE(html.find("This study has no task results to show."), std::string::npos);
}

// A task with nothing but its name: every part says what is missing, and
// the page is still whole.
TEST(StudyReport, TaskWithoutResultsStillGivesAWholePage) {
  rlvr::report::StudyReportInput input;
  input.name = "bare";
  input.tasks.resize(1);
  input.tasks[0].task = "addition";
  std::string html = render_study_report(input);
  EXPECT_EQ(rlvr::testing::check_markup(html), "");
  for (const char* text : {"No findings were given for this task.", "No comparisons were made for this task.",
                           "No perplexities were computed for this task.",
                           "No training curves were recorded for this task.", "No provenance was recorded."}) {
    EXPECT_NE(html.find(text), std::string::npos) << text;
  }
  EXPECT_NE(html.find("id=\"addition-fig-pass-at-k\""), std::string::npos);
}

TEST(StudyReportInBrowser, EveryFigureRendersWithEverySeries) {
  fs::path chromium = rlvr::testing::find_chromium();
  if (chromium.empty()) {
    GTEST_SKIP() << "chromium is not installed (Debian package 'chromium'; scripts/setup.sh installs it)";
  }
  fs::path dir = fresh_dir("study_report");
  write_study_report(rlvr::testing::sample_study(), dir);
  std::string dom = rlvr::testing::dump_dom(chromium, dir / "report.html");
  ASSERT_NE(dom.find("<h1>Study: two families</h1>"), std::string::npos) << dom.substr(0, 2000);
  for (const char* task : {"countdown", "modeq"}) {
    for (const auto& [suffix, labels] : expected_series(std::string(task) == "countdown")) {
      std::string id = std::string(task) + "-" + suffix;
      std::string fig = figure_markup(dom, id);
      EXPECT_EQ(rlvr::testing::figure_problem(fig, labels), "") << id;
    }
    EXPECT_EQ(figure_markup(dom, "modeq-fig-steps-valid-pass-at-k"), "");
  }
  // Coverage lists arrived as collapsible lists with their counts.
  EXPECT_NE(dom.find("<summary>Solved only by distill (25)</summary>"), std::string::npos);

  fs::path png = fs::path(RLVR_BINARY_DIR) / "test-artifacts" / "study_report.png";
  EXPECT_EQ(rlvr::testing::screenshot_problem(chromium, dir / "report.html", png, 1280, 9800, 50000), "");
  std::cout << "screenshot: " << png.string() << "\nreport: " << (dir / "report.html").string() << "\n";
}
