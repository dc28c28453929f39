#include "rlvr/report/analysis_report.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "rlvr/metrics/findings.h"
#include "rlvr/report/analysis_figures.h"
#include "rlvr/report/bar_chart.h"
#include "rlvr/report/html_page.h"
#include "rlvr/report/line_chart.h"
#include "rlvr/report/palette.h"
#include "rlvr/report/text.h"
#include "rlvr/util/files.h"

namespace rlvr::report {
namespace {

// Problems seen by any model: the per-problem table when present, else the
// largest count any model or comparison reports.
int64_t total_problems(const Analysis& a) {
  int64_t n = static_cast<int64_t>(a.per_problem.size());
  for (const auto& m : a.models) n = std::max(n, m.problems);
  for (const auto& c : a.comparisons) n = std::max(n, c.problems);
  return n;
}

std::string samples_text(const ModelSummary& m) {
  if (m.n_min == m.n_max) return std::to_string(m.n_max);
  return std::to_string(m.n_min) + "-" + std::to_string(m.n_max);
}

Table models_table(const Analysis& a) {
  bool any_maj = std::any_of(a.models.begin(), a.models.end(),
                             [](const ModelSummary& m) { return !m.maj_at_k.empty(); });
  auto k_pass = common_k_max(a, false);
  auto k_maj = common_k_max(a, true);
  Table t;
  t.caption = "Models";
  t.header = {"Model", "Problems", "Samples per problem", "pass@1",
              k_pass ? "pass@" + std::to_string(*k_pass) : "pass@k_max"};
  t.header_tooltips = {"", "problems with samples of this model", "n (fewest-most) per problem",
                       "expected share of problems solved by one sample, with its interval",
                       "expected share solved by at least one of k samples, with its interval"};
  if (any_maj) {
    t.header.push_back(k_maj ? "maj@" + std::to_string(*k_maj) : "maj@k_max");
    t.header_tooltips.push_back("share solved by the majority answer of k samples");
  }
  t.header.push_back("Solved");
  t.header_tooltips.push_back("problems with at least one correct sample (share of its problems)");
  for (const auto& m : a.models) {
    std::vector<Cell> row{text_cell(m.label), int_cell(m.problems), {samples_text(m), true, ""},
                          curve_cell(point_at(m.pass_at_k, 1))};
    const CurvePoint* last = last_point(m.pass_at_k);
    Cell c = curve_cell(last);
    if (!k_pass && last) c.text = "k=" + std::to_string(last->k) + ": " + c.text;
    row.push_back(c);
    if (any_maj) {
      const CurvePoint* lm = last_point(m.maj_at_k);
      Cell mc = curve_cell(lm);
      if (!k_maj && lm) mc.text = "k=" + std::to_string(lm->k) + ": " + mc.text;
      row.push_back(mc);
    }
    row.push_back(count_share_cell(m.solved, m.problems));
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::string crossover_text(const Comparison& c) {
  return c.crossover_k ? std::to_string(*c.crossover_k) : "none up to " + std::to_string(c.k_max);
}

Table comparisons_table(const Analysis& a) {
  Table t;
  t.caption = "Comparisons (baseline against model)";
  t.header = {"Baseline", "Model", "Problems", "Crossover k", "\xCE\x94SE", "Both solve",
              "Baseline only", "Model only", "Neither"};
  t.header_tooltips = {"", "", "problems both have",
                       "first k from which the baseline's pass@k stays at or above the model's",
                       "baseline pass@k_max minus model pass@1 (lower is better)",
                       "", "", "", ""};
  for (const auto& c : a.comparisons) {
    const auto& cov = c.coverage;
    t.rows.push_back({text_cell(c.baseline), text_cell(c.model), int_cell(c.problems),
                      {crossover_text(c), true, ""},
                      {format_fixed(c.delta_se, 3), true, "k_max = " + std::to_string(c.k_max)},
                      count_share_cell(static_cast<int64_t>(cov.both.size()), c.problems),
                      count_share_cell(static_cast<int64_t>(cov.baseline_only.size()), c.problems),
                      count_share_cell(static_cast<int64_t>(cov.model_only.size()), c.problems),
                      count_share_cell(static_cast<int64_t>(cov.neither.size()), c.problems)});
  }
  return t;
}

// One plain sentence per comparison saying what the curves show.
std::string comparison_sentence(const Analysis& a, const Comparison& c) {
  const ModelSummary* base = find_model(a, c.baseline);
  const ModelSummary* model = find_model(a, c.model);
  std::string s;
  const CurvePoint* b1 = base ? point_at(base->pass_at_k, 1) : nullptr;
  const CurvePoint* m1 = model ? point_at(model->pass_at_k, 1) : nullptr;
  if (b1 && m1) {
    s += c.model + " has pass@1 " + format_fixed(m1->value, 3) + " against " + format_fixed(b1->value, 3) +
         " for " + c.baseline + ". ";
  }
  const CurvePoint* bk = base ? point_at(base->pass_at_k, c.k_max) : nullptr;
  const CurvePoint* mk = model ? point_at(model->pass_at_k, c.k_max) : nullptr;
  if (bk && mk) {
    s += "At k = " + std::to_string(c.k_max) + " " + c.baseline + " reaches " + format_fixed(bk->value, 3) +
         " and " + c.model + " " + format_fixed(mk->value, 3) + ". ";
  }
  if (c.crossover_k) {
    s += c.baseline + " stays at or above " + c.model + " from k = " + std::to_string(*c.crossover_k) + ". ";
  } else {
    s += "No crossover up to k = " + std::to_string(c.k_max) + ". ";
  }
  s += std::to_string(c.coverage.model_only.size()) + " problems are solved only by " + c.model + ", " +
       std::to_string(c.coverage.baseline_only.size()) + " only by " + c.baseline +
       "; \xCE\x94SE = " + format_fixed(c.delta_se, 3) + ".";
  return s;
}

std::vector<std::pair<std::string, std::string>> measure_definitions(bool maj) {
  std::vector<std::pair<std::string, std::string>> d = {
      {"pass@k", "The expected share of problems solved by at least one of k samples, computed without "
                 "bias from n \xE2\x89\xA5 k samples per problem as 1 \xE2\x88\x92 C(n\xE2\x88\x92" "c, k)/C(n, k) "
                 "(Chen et al., 2021); the band is a bootstrap confidence interval over problems."},
      {"Crossover k", "The smallest k from which the baseline's pass@k stays at or above the model's: "
                      "beyond it, the model's gain at small k is gone."},
      {"\xCE\x94SE", "Sampling efficiency gap: baseline pass@k_max minus model pass@1; how far one sample of the "
                     "model is from what the baseline reaches with many (lower is better)."},
      {"Coverage", "Per problem, whether each model solved it at least once in its n samples: both, only "
                   "the baseline, only the model, or neither; a model-only problem is one the model has "
                   "pushed past the baseline's boundary."},
      {"Paired difference", "Model minus baseline pass@k at one k. Its interval comes from the same bootstrap "
                            "as the curves, each replicate resampling the problems once for both models, so it "
                            "is narrower than the two curves' intervals suggest when the models succeed on the "
                            "same problems. A difference is significant when its interval excludes 0."},
      {"Verdict", "From the paired differences: sharpens (pass@1 significantly up), falls at pass@1 "
                  "(significantly down), narrows (pass@k_max significantly down), expands (pass@k_max "
                  "significantly up and problems only the model solves), or no significant difference. A "
                  "baseline at its ceiling (pass@k_max interval from 0.99, or every problem solved) is named, "
                  "since it leaves no room to measure expansion."},
      {"cover@tau", "The share of problems whose accuracy c/n is at least tau. Unlike pass@k at large k it "
                    "does not credit a problem solved once by luck: cover@0.5 counts the problems a model solves "
                    "in at least half of its samples."},
      {"Solved", "Problems with at least one correct sample, i.e. pass@n for the model's own n."},
      {"Accuracy histogram", "How per-problem accuracy c/n is spread: sharpening moves mass from the middle "
                             "bins to 1, widening moves problems out of the 0 bin."}};
  if (maj) {
    d.insert(d.begin() + 1, {"maj@k", "The share of problems whose majority answer among k samples is correct "
                                      "(consensus voting), with its bootstrap interval."});
  }
  return d;
}

}  // namespace

void write_analysis_report(const Analysis& analysis, const std::filesystem::path& out_dir) {
  Palette palette;
  std::vector<std::string> labels;
  for (const auto& m : analysis.models) labels.push_back(m.label);
  palette.reserve_order(labels);

  const bool maj = std::any_of(analysis.models.begin(), analysis.models.end(),
                               [](const ModelSummary& m) { return !m.maj_at_k.empty(); });
  const std::string pass_svg = render_line_chart(curve_chart(analysis, false), palette);
  const std::string maj_svg = maj ? render_line_chart(curve_chart(analysis, true), palette) : "";
  const std::string hist_svg = render_bar_chart(accuracy_histogram_chart(analysis), palette);
  const LineChart cover_lines = cover_chart(analysis);
  const std::string cover_svg = cover_lines.series.empty() ? "" : render_line_chart(cover_lines, palette);

  std::string models_list;
  for (size_t i = 0; i < labels.size(); ++i) models_list += (i ? ", " : "") + labels[i];
  auto k_max = common_k_max(analysis, false);
  std::string subtitle = std::to_string(analysis.models.size()) + " models (" + models_list + ") on " +
                         std::to_string(total_problems(analysis)) + " problems" +
                         (k_max ? ", k up to " + std::to_string(*k_max) : "");
  HtmlPage page("Reasoning boundary analysis", subtitle);

  page.section("Summary", "summary");
  const std::vector<metrics::ModelFinding> findings = metrics::describe_models(analysis);
  if (!findings.empty()) {
    page.highlight("Findings.", metrics::findings_summary(findings), "findings");
    std::vector<std::string> sentences;
    for (const auto& f : findings) sentences.push_back(f.sentence);
    page.bullet_list(sentences);
  }
  // A comparison without paired differences (an analysis built elsewhere)
  // still gets its numbers in words, without a verdict.
  for (const auto& c : analysis.comparisons) {
    bool described = std::any_of(findings.begin(), findings.end(), [&](const metrics::ModelFinding& f) {
      return f.model == c.model && f.baseline == c.baseline;
    });
    if (!described) page.paragraph(comparison_sentence(analysis, c));
  }
  page.table(models_table(analysis));
  if (!analysis.comparisons.empty()) page.table(comparisons_table(analysis));
  if (const Table paired = paired_differences_table(analysis); !paired.rows.empty()) page.table(paired);
  const Table cover = cover_table(analysis);
  if (!cover.rows.empty()) page.table(cover);

  page.section("What the measures mean", "measures");
  page.definitions(measure_definitions(maj));

  page.section("pass@k", "pass-at-k");
  page.figure(pass_svg,
              "pass@k against k on a log2 axis, one line per model; shaded bands are bootstrap "
              "confidence intervals; dashed lines mark crossover k. A baseline curve that starts lower and ends higher means the "
              "model sharpened sampling without widening the set of problems it can solve.",
              "fig-pass-at-k");
  if (maj) {
    page.section("maj@k", "maj-at-k");
    page.figure(maj_svg,
                "maj@k against k: majority voting over k samples. Unlike pass@k it cannot credit a rare "
                "lucky answer, so a gap here reflects reliability rather than reach.",
                "fig-maj-at-k");
  }

  page.section("Coverage", "coverage");
  if (analysis.comparisons.empty()) page.paragraph("No comparisons were requested.");
  for (const auto& c : analysis.comparisons) {
    page.subheading(c.baseline + " (baseline) against " + c.model);
    page.paragraph("Of " + std::to_string(c.problems) + " shared problems: " +
                   std::to_string(c.coverage.both.size()) + " solved by both, " +
                   std::to_string(c.coverage.baseline_only.size()) + " only by " + c.baseline + ", " +
                   std::to_string(c.coverage.model_only.size()) + " only by " + c.model + ", " +
                   std::to_string(c.coverage.neither.size()) + " by neither.");
    page.collapsible_list("Solved only by " + c.model, c.coverage.model_only);
    page.collapsible_list("Solved only by " + c.baseline, c.coverage.baseline_only);
    page.collapsible_list("Solved by both", c.coverage.both);
    page.collapsible_list("Solved by neither", c.coverage.neither);
  }

  page.section("Accuracy histogram", "histogram");
  page.figure(hist_svg,
              "Number of problems in each bin of per-problem accuracy c/n, one bar per model. The "
              "leftmost bin holds problems a model (almost) never solves.",
              "fig-accuracy-histogram");
  if (!cover_svg.empty())
    page.figure(cover_svg,
                "cover@tau against tau: the share of problems a model solves in at least a fraction tau of "
                "its samples, with bootstrap bands. At small tau it is close to pass@k at large k; at large "
                "tau it counts only problems solved reliably, so a model that sharpens rises on the right.",
                "fig-cover-at-tau");

  if (!analysis.per_problem.empty()) {
    page.section("Per-problem counts", "per-problem");
    page.collapsible_table("Correct samples out of n for each of " +
                               std::to_string(analysis.per_problem.size()) + " problems",
                           per_problem_table(analysis));
  }

  page.section("Notes", "notes");
  if (analysis.notes.empty()) {
    page.paragraph("No problems were dropped and no warnings were raised.");
  } else {
    page.bullet_list(analysis.notes);
  }
  page.footer("Written by rlvr-lab. Figures are also saved beside this page as SVG files.");

  write_file_atomically(out_dir / "pass_at_k.svg", pass_svg);
  if (maj) {
    write_file_atomically(out_dir / "maj_at_k.svg", maj_svg);
  } else {
    std::error_code ignored;  // a figure left from an earlier run would contradict this page
    std::filesystem::remove(out_dir / "maj_at_k.svg", ignored);
  }
  write_file_atomically(out_dir / "accuracy_histogram.svg", hist_svg);
  if (!cover_svg.empty()) {
    write_file_atomically(out_dir / "cover_at_tau.svg", cover_svg);
  } else {
    std::error_code ignored;
    std::filesystem::remove(out_dir / "cover_at_tau.svg", ignored);
  }
  write_file_atomically(out_dir / "report.html", page.render());
}

}  // namespace rlvr::report
