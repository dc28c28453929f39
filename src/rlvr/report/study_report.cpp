#include "rlvr/report/study_report.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "rlvr/report/analysis_figures.h"
#include "rlvr/report/bar_chart.h"
#include "rlvr/report/html_page.h"
#include "rlvr/report/palette.h"
#include "rlvr/report/study_figures.h"
#include "rlvr/report/text.h"
#include "rlvr/util/files.h"

namespace rlvr::report {
namespace {

namespace fs = std::filesystem;

const char* const kDash = "\xE2\x80\x94";  // em dash: "not applicable"

// Ids of the page's own sections; task prefixes never take these.
const std::set<std::string>& reserved_ids() {
  static const std::set<std::string> kReserved = {"overview", "measures", "provenance"};
  return kReserved;
}

// What follows "<prefix>-" in the ids of a task's parts (see add_task).
const std::vector<std::string>& id_suffixes() {
  static const std::vector<std::string> kSuffixes = {
      "findings", "headline", "pass-at-k", "fig-pass-at-k", "steps-valid", "fig-steps-valid-pass-at-k",
      "coverage", "histogram", "fig-accuracy-histogram", "fig-cover-at-tau", "perplexity", "fig-perplexity", "training",
      "fig-training-pass-at-1", "fig-training-pass-at-k", "fig-training-reward", "per-problem", "notes"};
  return kSuffixes;
}

// Whether ids made from `a` and `b` could be equal ("a" and "a-notes").
bool prefixes_clash(const std::string& a, const std::string& b) {
  if (a == b) return true;
  for (const auto& s : id_suffixes()) {
    if (a + "-" + s == b || b + "-" + s == a) return true;
  }
  return false;
}

std::string slug(const std::string& name) {
  std::string s;
  for (unsigned char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      s += static_cast<char>(c);
    } else if (c >= 'A' && c <= 'Z') {
      s += static_cast<char>(c - 'A' + 'a');
    } else if (!s.empty() && s.back() != '-') {
      s += '-';
    }
  }
  while (!s.empty() && s.back() == '-') s.pop_back();
  return s.empty() ? "task" : s;
}

// The model the others are compared with: the analysis's baseline, else the
// baseline of its comparisons, else the first model.
std::string base_label(const Analysis& a) {
  if (!a.baseline.empty()) return a.baseline;
  if (!a.comparisons.empty()) return a.comparisons.front().baseline;
  if (!a.models.empty()) return a.models.front().label;
  return "base";
}

const Comparison* comparison_with(const Analysis& a, const std::string& base, const std::string& model) {
  for (const auto& c : a.comparisons) {
    if (c.baseline == base && c.model == model) return &c;
  }
  return nullptr;
}

int64_t total_problems(const Analysis& a) {
  if (a.problems > 0) return a.problems;  // the shared, analysed set
  int64_t n = static_cast<int64_t>(a.per_problem.size());
  for (const auto& m : a.models) n = std::max(n, m.problems);
  for (const auto& c : a.comparisons) n = std::max(n, c.problems);
  return n;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) s += (i ? sep : "") + items[i];
  return s;
}

std::vector<std::string> model_labels(const Analysis& a) {
  std::vector<std::string> labels;
  for (const auto& m : a.models) labels.push_back(m.label);
  return labels;
}

std::string k_name(const Analysis& a) {
  auto k = common_k_max(a, false);
  return k ? "pass@" + std::to_string(*k) : "pass@k_max";
}

// A curve point with its interval as a second line (the tables here have
// many columns); "n/a" without a point.
Cell point_cell(const CurvePoint* p) {
  if (!p) return text_cell("n/a");
  if (point_has_ci(*p)) return stacked_ci_cell(p->value, p->ci_low, p->ci_high, 3);
  return number_cell(p->value, 3);
}

// A curve cell at k_max; says which k when the models' k_max differ.
Cell k_max_cell(const Analysis& a, const ModelSummary& m) {
  const CurvePoint* last = last_point(m.pass_at_k);
  Cell c = point_cell(last);
  if (!common_k_max(a, false) && last) c.text = "k=" + std::to_string(last->k) + ": " + c.text;
  return c;
}

Cell none_cell(const std::string& why) { return {kDash, true, why}; }

// The reference study's Table 2 shape: one row per model, its pass@1 and
// pass@k_max, and how it compares with the base model.
Table headline_table(const Analysis& a) {
  const std::string base = base_label(a);
  Table t;
  t.compact = true;
  t.header = {"Model", "pass@1", k_name(a), "Crossover k", "\xCE\x94SE", "Both solve",
              base + " only", "Model only", "Neither"};
  t.header_tooltips = {
      "",
      "expected share of problems solved by one sample, with its bootstrap interval",
      "expected share solved by at least one of k samples, with its bootstrap interval",
      "first k from which " + base + "'s pass@k stays at or above the model's",
      base + " pass@k_max minus the model's pass@1 (lower is better)",
      "problems both solve at least once",
      "problems only " + base + " solves",
      "problems only the model solves: beyond " + base + "'s boundary",
      "problems neither solves"};
  for (const auto& m : a.models) {
    std::vector<Cell> row{text_cell(m.label), point_cell(point_at(m.pass_at_k, 1)), k_max_cell(a, m)};
    const Comparison* c = comparison_with(a, base, m.label);
    if (!c) {
      std::string why = m.label == base ? "the baseline" : "not compared with " + base;
      for (int i = 0; i < 6; ++i) row.push_back(none_cell(why));
    } else {
      const auto& cov = c->coverage;
      if (c->crossover_k) {
        row.push_back({std::to_string(*c->crossover_k), true, ""});
      } else {
        row.push_back({"none", true, base + " stays below " + m.label + " at every k up to " +
                                         std::to_string(c->k_max)});
      }
      bool se_ci = c->delta_se_ci_low < c->delta_se_ci_high;  // both 0 when no bootstrap was run
      Cell se = se_ci ? stacked_ci_cell(c->delta_se, c->delta_se_ci_low, c->delta_se_ci_high, 3)
                      : number_cell(c->delta_se, 3);
      se.tooltip = "k_max = " + std::to_string(c->k_max) + (se_ci ? ", paired bootstrap interval" : "");
      row.push_back(se);
      for (const auto* cell : {&cov.both, &cov.baseline_only, &cov.model_only, &cov.neither}) {
        row.push_back(count_share_cell(static_cast<int64_t>(cell->size()), c->problems));
      }
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

Table steps_valid_table(const Analysis& plain, const Analysis& valid) {
  const std::string k = k_name(plain);
  Table t;
  t.compact = true;
  t.caption = "Plain against steps-valid pass@k";
  t.header = {"Model", "pass@1", "pass@1, steps valid", k, k + ", steps valid"};
  t.header_tooltips = {"", "a completion counts when its final answer is right",
                       "a completion counts only when its answer and every reasoning step are valid", "",
                       ""};
  for (const auto& m : plain.models) {
    const ModelSummary* v = find_model(valid, m.label);
    t.rows.push_back({text_cell(m.label), point_cell(point_at(m.pass_at_k, 1)),
                      v ? point_cell(point_at(v->pass_at_k, 1)) : none_cell("no steps-valid counts"),
                      k_max_cell(plain, m),
                      v ? k_max_cell(valid, *v) : none_cell("no steps-valid counts")});
  }
  return t;
}

std::string duration_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "n/a";
  if (seconds < 60) return format_fixed(seconds, seconds < 10 ? 1 : 0) + " s";
  auto total = static_cast<int64_t>(std::llround(seconds));
  int64_t h = total / 3600, m = total / 60 % 60, s = total % 60;
  std::string two = (m < 10 ? "0" : "") + std::to_string(m);
  if (h > 0) return std::to_string(h) + " h " + two + " min";
  return std::to_string(m) + " min " + (s < 10 ? "0" : "") + std::to_string(s) + " s";
}

std::string share_text(double seconds, double total) {
  if (!(total > 0) || !std::isfinite(seconds) || seconds < 0) return kDash;
  double percent = 100 * seconds / total;
  if (percent > 0 && percent < 0.05) return "<0.1%";
  return format_fixed(percent, 1) + "%";
}

Table timing_table(const std::vector<std::pair<std::string, double>>& stages) {
  double total = 0;
  for (const auto& [name, s] : stages) if (std::isfinite(s) && s > 0) total += s;
  Table t;
  t.caption = "Time per stage";
  t.header = {"Stage", "Time", "Share"};
  for (const auto& [name, s] : stages) {
    t.rows.push_back({text_cell(name), {duration_text(s), true, format_fixed(s, 1) + " s"},
                      {share_text(s, total), true, ""}});
  }
  t.rows.push_back({text_cell("Total"), {duration_text(total), true, format_fixed(total, 1) + " s"},
                    {total > 0 ? "100%" : kDash, true, ""}});
  return t;
}

std::vector<std::pair<std::string, std::string>> measure_definitions() {
  return {
      {"pass@k", "The expected share of problems solved by at least one of k samples, computed without bias "
                 "from n \xE2\x89\xA5 k samples per problem (Chen et al., 2021); bands are bootstrap confidence "
                 "intervals over problems. pass@1 measures how reliably a model answers, pass@k at large k how "
                 "far its reasoning boundary reaches."},
      {"Crossover k", "The smallest k from which the base model's pass@k stays at or above the other model's: "
                      "beyond it, the other model's gain at small k is gone."},
      {"\xCE\x94SE", "Sampling efficiency gap: base pass@k_max minus the model's pass@1; how far one sample of "
                     "the model is from what the base model reaches with many (lower is better)."},
      {"Paired difference", "The model's pass@k minus the base model's at one k, with an interval from the same "
                            "bootstrap as the curves: each replicate resamples the problems once for both "
                            "models. Significant when the interval excludes 0."},
      {"Verdict", "From the paired differences: sharpens (pass@1 significantly up), falls at pass@1 "
                  "(significantly down), narrows (pass@k_max significantly down), expands (pass@k_max "
                  "significantly up and problems only the model solves), or no significant difference. A base "
                  "model at its ceiling (pass@k_max interval from 0.99, or every problem solved) is named: it "
                  "leaves no room to measure expansion."},
      {"cover@tau", "The share of problems whose accuracy c/n is at least tau: unlike pass@k at large k, it does "
                    "not credit a problem solved once by luck."},
      {"Coverage", "Per problem, whether each model solved it at least once in its n samples: a model-only "
                   "problem lies beyond the base model's boundary, a base-only problem was lost."},
      {"Accuracy histogram", "How per-problem accuracy c/n is spread: sharpening moves problems from the "
                             "middle bins to 1, widening moves them out of the 0 bin."},
      {"Steps-valid pass@k", "pass@k counting only completions whose every reasoning step is valid, not just "
                             "the final answer (CoT-pass@k): it tells real reasoning from lucky guesses at "
                             "large k."},
      {"Perplexity", "PPL_M(Y) = exp(\xE2\x88\x92mean token log-probability) of responses Y under model M: "
                     "PPL_base(Y_RL) near PPL_base(Y_base) means the RL model's answers were already likely "
                     "under the base model."},
      {"Training curves", "Held-out pass@1 and pass@k measured during RL: pass@1 rising while pass@k stays "
                          "flat or falls is sharpening without widening."}};
}

struct Figure {
  std::string file;  // name under figures/
  std::string svg;
};

class StudyPageBuilder {
 public:
  explicit StudyPageBuilder(const StudyReportInput& input) : input_(input), prefixes_(task_prefixes(input.tasks)) {
    // Colours in the order models first appear, so each model keeps one
    // colour on every figure of every task.
    std::vector<std::string> order;
    auto add = [&](const std::string& l) {
      if (std::find(order.begin(), order.end(), l) == order.end()) order.push_back(l);
    };
    for (const auto& t : input.tasks) {
      for (const auto& m : t.analysis.models) add(m.label);
      for (const auto& c : t.training) add(c.model);
      for (const auto& g : t.perplexity) add(g.responder);
    }
    palette_.reserve_order(order);
    models_ = order;
  }

  std::string build() {
    std::vector<std::string> task_names;
    for (const auto& t : input_.tasks) task_names.push_back(t.task);
    std::string subtitle = std::to_string(input_.tasks.size()) + (input_.tasks.size() == 1 ? " task" : " tasks");
    if (!task_names.empty()) subtitle += " (" + join(task_names, ", ") + ")";
    if (!models_.empty()) subtitle += "; models: " + join(models_, ", ");
    HtmlPage page("Study: " + input_.name, subtitle);
    if (input_.tasks.empty()) {
      page.section("No tasks", "measures");
      page.paragraph("This study has no task results to show.");
    }
    if (!input_.tasks.empty()) {
      page.section("Overview", "overview");
      page.paragraph("Each cell: pass@1 / pass@k_max of a model on a task. The sections below take each task "
                     "in turn, its findings first.");
      page.table(overview_table());
    }
    for (size_t i = 0; i < input_.tasks.size(); ++i) add_task(page, input_.tasks[i], prefixes_[i]);
    page.section("What the measures mean", "measures");
    page.definitions(measure_definitions());
    page.section("Provenance and timing", "provenance");
    std::vector<std::string> lines;
    std::stringstream ss(input_.provenance_summary);
    for (std::string line; std::getline(ss, line);) {
      if (!line.empty()) lines.push_back(line);
    }
    if (lines.empty()) {
      page.paragraph("No provenance was recorded.");
    } else {
      page.bullet_list(lines);
    }
    if (!input_.stage_seconds.empty()) page.table(timing_table(input_.stage_seconds));
    page.footer("Written by rlvr-lab. Figures are also saved beside this page under figures/ as SVG files.");
    return page.render();
  }

  const std::vector<Figure>& figures() const { return figures_; }

 private:
  // A figure with id "<prefix>-fig-<name>" (dashes for '_'), saved as
  // figures/<prefix>_<name>.svg.
  FigureBlock figure_block(const std::string& prefix, const std::string& name, const std::string& svg,
                           const std::string& caption) {
    std::string id = prefix + "-fig-" + name;
    std::replace(id.begin(), id.end(), '_', '-');
    figures_.push_back({prefix + "_" + name + ".svg", svg});
    return {svg, caption, id};
  }

  void figure(HtmlPage& page, const std::string& prefix, const std::string& name, const std::string& svg,
              const std::string& caption) {
    FigureBlock f = figure_block(prefix, name, svg, caption);
    page.figure(f.svg, f.caption, f.id);
  }

  void add_task(HtmlPage& page, const TaskStudy& t, const std::string& p) {
    const Analysis& a = t.analysis;
    const std::string base = base_label(a);
    page.section(t.task, p);
    page.highlight("Findings.", t.findings.empty() ? "No findings were given for this task." : t.findings,
                   p + "-findings");
    if (!t.finding_items.empty()) page.bullet_list(t.finding_items);
    auto k_max = common_k_max(a, false);
    page.paragraph(std::to_string(a.models.size()) + " models (" + join(model_labels(a), ", ") + ") on " +
                   std::to_string(total_problems(a)) + " held-out problems" +
                   (k_max ? ", k up to " + std::to_string(*k_max) : "") + "; every model is compared with " +
                   base + ".");
    if (t.chance)
      page.paragraph("Guessing alone: a model that only guesses the final answer, knowing its form "
                     "(docs/TASKS.md says how each family's guess is drawn), has pass@1 " +
                     format_fixed(t.chance->pass_at_1, 4) + " and pass@" + std::to_string(t.chance->k_max) + " " +
                     format_fixed(t.chance->pass_at_k_max, 4) + " on these problems. Up to that pass@" +
                     std::to_string(t.chance->k_max) + ", a curve can be luck.");

    page.subheading("Headline numbers: every model against " + base, p + "-headline");
    page.table(headline_table(a));
    if (const Table paired = paired_differences_table(a); !paired.rows.empty()) page.table(paired);

    page.subheading("pass@k", p + "-pass-at-k");
    figure(page, p, "pass_at_k", render_line_chart(curve_chart(a, false), palette_),
           "pass@k against k on a log2 axis, one line per model; shaded bands are bootstrap confidence "
           "intervals and dashed vertical lines mark where " + base + " catches up. A model above " + base +
               " at k = 1 but below it at large k has sharpened sampling without widening the set of problems "
               "it can solve.");

    if (t.steps_valid) {
      page.subheading("pass@k with valid reasoning steps", p + "-steps-valid");
      figure(page, p, "steps_valid_pass_at_k", render_line_chart(steps_valid_chart(a, *t.steps_valid), palette_),
             "Solid lines: plain pass@k (a completion counts when its final answer is right). Dashed lines of "
             "the same colour: pass@k counting only completions whose reasoning steps are all valid. The gap "
             "between a pair is the share credited to right answers reached by invalid steps. Intervals are in "
             "the table below and in each marker's tooltip.");
      page.table(steps_valid_table(a, *t.steps_valid));
    }

    page.subheading("Coverage", p + "-coverage");
    page.paragraph("Problems each pair of models solves at least once; open a line for the problem ids.");
    for (const auto& c : a.comparisons) {
      page.collapsible_lists(
          c.baseline + " against " + c.model + ": of " + std::to_string(c.problems) + " problems, " +
              std::to_string(c.coverage.both.size()) + " solved by both, " +
              std::to_string(c.coverage.baseline_only.size()) + " only by " + c.baseline + ", " +
              std::to_string(c.coverage.model_only.size()) + " only by " + c.model + ", " +
              std::to_string(c.coverage.neither.size()) + " by neither",
          {{"Solved only by " + c.model, c.coverage.model_only},
           {"Solved only by " + c.baseline, c.coverage.baseline_only},
           {"Solved by both", c.coverage.both},
           {"Solved by neither", c.coverage.neither}});
    }
    if (a.comparisons.empty()) page.paragraph("No comparisons were made for this task.");

    page.subheading("Per-problem accuracy", p + "-histogram");
    figure(page, p, "accuracy_histogram", render_bar_chart(accuracy_histogram_chart(a), palette_),
           "Number of problems in each bin of per-problem accuracy c/n, one bar per model. The leftmost bin "
           "holds problems a model (almost) never solves; the rightmost, problems it (almost) always solves.");
    if (Table cover = cover_table(a); !cover.rows.empty()) page.table(cover);
    if (const LineChart cover = cover_chart(a); !cover.series.empty())
      figure(page, p, "cover_at_tau", render_line_chart(cover, palette_),
             "cover@tau against tau: the share of problems a model solves in at least a fraction tau of its "
             "samples, with bootstrap bands. Sharpening lifts the right end; a wider boundary lifts the left end.");

    page.subheading("Perplexity", p + "-perplexity");
    if (t.perplexity.empty()) {
      page.paragraph("No perplexities were computed for this task.");
    } else {
      DistributionChart chart = perplexity_chart(t.perplexity, base, models_);
      figure(page, p, "perplexity", render_distribution_chart(chart, palette_),
             std::string("Per-response perplexity, PPL_scorer(Y_responder), as box plots (quartiles, median, "
                         "whiskers at 1.5 IQR) over the individual responses") +
                 (chart.log_y ? " on a log axis" : "") + ". PPL_" + base + "(Y_model) as low as PPL_" + base +
                 "(Y_" + base + ") says the model's responses were already likely under " + base +
                 "; a distilled model's responses scoring higher under " + base + " bring something new.");
    }

    page.subheading("Training curves", p + "-training");
    if (t.training.empty()) {
      page.paragraph("No training curves were recorded for this task.");
    } else {
      std::vector<FigureBlock> row;
      auto add = [&](const std::string& name, TrainingMeasure measure, const std::string& caption) {
        LineChart chart = training_chart(t.training, measure);
        chart.width = 520;
        chart.height = 340;
        row.push_back(figure_block(p, name, render_line_chart(chart, palette_), caption));
      };
      add("training_pass_at_1", TrainingMeasure::pass_at_1, "Held-out pass@1 of each RL model over its training steps.");
      add("training_pass_at_k", TrainingMeasure::pass_at_k, training_k_caption(t.training));
      if (has_reward(t.training)) {
        add("training_reward", TrainingMeasure::reward,
            "Mean reward of the training batches: what RL optimises, beside what it buys on held-out problems.");
      }
      page.figure_row(row);
    }

    if (!a.per_problem.empty()) {
      page.subheading("Per-problem counts", p + "-per-problem");
      size_t n = a.per_problem.size();
      page.collapsible_table("Correct samples out of n for each of " + std::to_string(n) +
                                 (n == 1 ? " problem" : " problems"),
                             per_problem_table(a));
    }
    if (!a.notes.empty()) {
      page.subheading("Notes", p + "-notes");
      page.bullet_list(a.notes);
    }
  }

  // "pass@1 / pass@k_max" of a model on a task. One row per task and one
  // column per model; with many models the table turns (a row per model, a
  // column per task) so that it fits the page's width.
  Table overview_table() const {
    constexpr size_t kModelsAcross = 5;
    return models_.size() > kModelsAcross ? overview_by_model() : overview_by_task();
  }

  // The largest k any model reached on a task (0: no pass@k).
  static int64_t shown_k_max(const Analysis& a) {
    int64_t k = 0;
    for (const auto& m : a.models)
      if (const CurvePoint* p = last_point(m.pass_at_k)) k = std::max(k, p->k);
    return k;
  }

  static Cell overview_cell(const TaskStudy& task, const std::string& label) {
    const ModelSummary* m = find_model(task.analysis, label);
    const CurvePoint* p1 = m ? point_at(m->pass_at_k, 1) : nullptr;
    const CurvePoint* pk = m ? last_point(m->pass_at_k) : nullptr;
    if (!p1 || !pk) return none_cell("not evaluated on this task");
    return {format_fixed(p1->value, 3) + " / " + format_fixed(pk->value, 3), true,
            label + " on " + task.task + ": pass@1 / pass@" + std::to_string(pk->k)};
  }

  Table overview_by_task() const {
    Table t;
    t.compact = true;
    t.header = {"Task", "k_max"};
    t.header_tooltips = {"", "the largest k evaluated (the models' largest when they differ)"};
    for (const auto& m : models_) {
      t.header.push_back(m);
      t.header_tooltips.push_back("pass@1 / pass@k_max");
    }
    for (const auto& task : input_.tasks) {
      const int64_t k_shown = shown_k_max(task.analysis);
      std::vector<Cell> row{text_cell(task.task), k_shown > 0 ? int_cell(k_shown) : none_cell("no pass@k")};
      if (!common_k_max(task.analysis, false) && k_shown > 0)
        row.back().tooltip = "the models' largest k differ; this is the largest";
      for (const auto& label : models_) row.push_back(overview_cell(task, label));
      t.rows.push_back(std::move(row));
    }
    return t;
  }

  Table overview_by_model() const {
    Table t;
    t.compact = true;
    t.header = {"Model"};
    t.header_tooltips = {""};
    for (const auto& task : input_.tasks) {
      const int64_t k_shown = shown_k_max(task.analysis);
      t.header.push_back(task.task + (k_shown > 0 ? " (k_max " + std::to_string(k_shown) + ")" : ""));
      t.header_tooltips.push_back("pass@1 / pass@k_max on " + task.task);
    }
    for (const auto& label : models_) {
      std::vector<Cell> row{text_cell(label)};
      for (const auto& task : input_.tasks) row.push_back(overview_cell(task, label));
      t.rows.push_back(std::move(row));
    }
    return t;
  }

  static std::string training_k_caption(const std::vector<TrainingCurve>& curves) {
    std::string s = "Held-out pass@k of each RL model over its training steps";
    bool same = std::all_of(curves.begin(), curves.end(),
                            [&](const TrainingCurve& c) { return c.k == curves.front().k; });
    if (!same) {
      std::vector<std::string> ks;
      for (const auto& c : curves) ks.push_back(c.model + " k = " + std::to_string(c.k));
      s += " (" + join(ks, ", ") + ")";
    }
    return s + ": pass@1 rising while pass@k stays flat or falls is sharpening without widening.";
  }

  const StudyReportInput& input_;
  std::vector<std::string> prefixes_;
  std::vector<std::string> models_;
  Palette palette_;
  std::vector<Figure> figures_;
};

}  // namespace

std::vector<std::string> task_prefixes(const std::vector<TaskStudy>& tasks) {
  std::vector<std::string> used(reserved_ids().begin(), reserved_ids().end());
  std::vector<std::string> prefixes;
  for (const auto& t : tasks) {
    std::string base = slug(t.task), s = base;
    auto clashes = [&](const std::string& candidate) {
      return std::any_of(used.begin(), used.end(),
                         [&](const std::string& u) { return prefixes_clash(u, candidate); });
    };
    for (int i = 2; clashes(s); ++i) s = base + "-" + std::to_string(i);
    used.push_back(s);
    prefixes.push_back(s);
  }
  return prefixes;
}

std::string render_study_report(const StudyReportInput& input) { return StudyPageBuilder(input).build(); }

void write_study_report(const StudyReportInput& input, const fs::path& out_dir) {
  StudyPageBuilder builder(input);
  std::string html = builder.build();
  fs::path figures_dir = out_dir / "figures";
  std::set<std::string> written;
  for (const auto& f : builder.figures()) {
    write_file_atomically(figures_dir / f.file, f.svg);
    written.insert(f.file);
  }
  // A figure left from an earlier run would contradict this page.
  std::error_code ec;
  if (fs::is_directory(figures_dir, ec)) {
    for (const auto& entry : fs::directory_iterator(figures_dir, ec)) {
      const fs::path& path = entry.path();
      if (path.extension() == ".svg" && !written.count(path.filename().string())) {
        std::error_code ignored;
        fs::remove(path, ignored);
      }
    }
  }
  write_file_atomically(out_dir / "report.html", html);
}

}  // namespace rlvr::report
