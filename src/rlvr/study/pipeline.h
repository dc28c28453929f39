// `rlvr study`: the whole experiment from one config. Per task family:
//   pretrain base -> RL with each algorithm -> distill from the teacher ->
//   sample n completions per test problem from every model (verified by the
//   family's verifier as they are written) -> analyze -> perplexity
//   cross-scoring -> report.
// Every stage writes into DIR/<task>/<stage>/ and is keyed by its inputs
// (stage_cache.h): a re-run skips finished stages, a killed run resumes.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "rlvr/study/config.h"
#include "rlvr/study/stages.h"

namespace rlvr::study {

struct StudyOptions {
  std::filesystem::path out;
  std::string from;  // "" or a stage kind: force it and every later one
  int threads = 0;   // overrides the config's when > 0
  int jobs = 0;      // overrides the config's when > 0
};

struct StudyOutcome {
  std::filesystem::path report;   // DIR/report.html
  std::filesystem::path summary;  // DIR/summary.json
  std::string headline;           // the table printed at the end
};

// A laboratory study, or an external one (external.h) when the config names models.
StudyOutcome run_study(const StudyConfig& config, const StudyOptions& options);

// Stages run at once: --jobs, else study.jobs.
int study_jobs(const StudyConfig& config, const StudyOptions& options);

// The threads of a stage: --threads, else study.threads, else every core for
// pretraining, which runs alone, and every core divided among the jobs for the
// stages that may run side by side (RL, distillation, sampling, perplexity).
struct StageThreads {
  int alone = 1;
  int side_by_side = 1;
};
StageThreads study_threads(const StudyConfig& config, const StudyOptions& options);

}  // namespace rlvr::study
