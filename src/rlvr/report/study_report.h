// The report of a whole study: for each task family, every model (base, each
// RL algorithm, the distilled model) measured against the base model, drawn
// from plain data into one self-contained HTML page plus SVG figures. The
// study pipeline fills StudyReportInput; nothing here reads other files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rlvr/metrics/analysis.h"

namespace rlvr::report {

// Per-response perplexities of one model's responses under one scorer model.
struct PerplexityGroup {
  std::string scorer;     // e.g. "base"
  std::string responder;  // e.g. "grpo" -> shown as PPL_base(Y_grpo)
  std::vector<double> values;
};

// Held-out measures of an RL model at one training step.
struct TrainingPoint {
  int64_t step = 0;
  double pass_at_1 = 0;
  double pass_at_k = 0;
  double reward = 0;  // mean training reward; a chart is drawn when any is non-zero
};

struct TrainingCurve {
  std::string model;  // the label the model has in the task's Analysis
  int64_t k = 0;      // the k of pass_at_k
  std::vector<TrainingPoint> points;
};

// pass@k of a model that only guesses the final answer (tasks/chance.h).
struct GuessChance {
  int64_t k_max = 1;
  double pass_at_1 = 0;
  double pass_at_k_max = 0;
};

struct TaskStudy {
  std::string task;                     // family name, e.g. "countdown"
  Analysis analysis;                    // all models; comparisons against the base model
  std::optional<Analysis> steps_valid;  // same models, counting only completions whose steps are valid
  std::vector<PerplexityGroup> perplexity;
  std::vector<TrainingCurve> training;  // RL models over training steps
  std::optional<GuessChance> chance;    // laboratory families only
  std::string findings;                 // plain-language summary, shown first
  std::vector<std::string> finding_items;  // a sentence per compared model, listed under it
};

struct StudyReportInput {
  std::string name;  // study name
  std::vector<TaskStudy> tasks;
  std::string provenance_summary;  // commit, seed, machine, total time; one item per line
  std::vector<std::pair<std::string, double>> stage_seconds;  // stage name -> seconds
};

// The prefix of a task's element ids and figure file names: the task name in
// lower case with every run of other characters than a-z, 0-9 turned into
// '-', made unique among the tasks (a second "countdown" becomes
// "countdown-2"). One entry per task, in order.
std::vector<std::string> task_prefixes(const std::vector<TaskStudy>& tasks);

// Writes DIR/report.html (self-contained: inline CSS and SVG, no scripts, no
// network) and each figure as DIR/figures/<prefix>_<figure>.svg, every file
// atomically; SVG files of earlier runs left in DIR/figures are removed.
void write_study_report(const StudyReportInput& input, const std::filesystem::path& out_dir);

// The page alone, for callers that embed or test it.
std::string render_study_report(const StudyReportInput& input);

}  // namespace rlvr::report
