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

namespace rlvr::study {

// Stage kinds in the order they run; --from names one of them.
const std::vector<std::string>& stage_kinds();

struct StudyOptions {
  std::filesystem::path out;
  std::string from;  // "" or a stage kind: force it and every later one
  int threads = 0;   // overrides the config's when > 0
};

struct StudyOutcome {
  std::filesystem::path report;   // DIR/report.html
  std::filesystem::path summary;  // DIR/summary.json
  std::string headline;           // the table printed at the end
};

StudyOutcome run_study(const StudyConfig& config, const StudyOptions& options);

}  // namespace rlvr::study
