// What every study writes at its end, whichever kind it is (laboratory or
// external models): summary.json in the analyze schema with a section per
// task, provenance.json, the report, and the headline table it prints.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rlvr/metrics/analyze.h"
#include "rlvr/report/study_report.h"
#include "rlvr/study/config.h"
#include "rlvr/study/pipeline.h"
#include "rlvr/study/stages.h"

namespace rlvr::study {

// The analysis a study runs on its samples, against `baseline`.
metrics::AnalysisOptions study_analysis_options(const StudyConfig& config, const std::string& baseline, int threads);

// The findings box and a sentence per compared model, from study.analysis.
void describe_findings(report::TaskStudy& study);

// A perplexity stage's perplexity.json: groups of (scorer, responder, values).
std::vector<report::PerplexityGroup> read_perplexity_groups(const std::filesystem::path& file);

// One task's section of summary.json: findings, verdicts, median
// perplexities, pass@k with valid steps, and `models` as given.
nlohmann::json task_section(const report::TaskStudy& study, nlohmann::json models);

// Writes DIR/report.html, DIR/summary.json (per_task: task -> task_section)
// and DIR/provenance.json; the timings gain the report's.
StudyOutcome finish_study(const StudyConfig& config, const std::filesystem::path& out,
                          const std::vector<report::TaskStudy>& studies, const nlohmann::json& per_task,
                          StageRunner& stages, int threads);

}  // namespace rlvr::study
