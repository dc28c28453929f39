// `rlvr study` on external models: the measuring half of the study for models
// served elsewhere (vLLM, `rlvr serve`, any OpenAI-compatible server) or known
// by sample files on disk. Per benchmark of study.datasets:
//   sample n completions per problem from each served model (resumable; the
//   first N problems with eval.problems) -> label them with the benchmark's
//   verifier (math answers, or code run in the sandbox) -> analyze against
//   the first model -> perplexity of every model's completions under the
//   first model's servers (and each served model's own), when the first
//   model is served -> report.
// Stages are cached and resumed as the laboratory's are (stage_cache.h):
// DIR/<dataset>/samples-<label>/, labels-<label>/, perplexity/, analysis/.
#pragma once

#include "rlvr/study/config.h"
#include "rlvr/study/pipeline.h"

namespace rlvr::study {

// Throws rlvr::Error when a server fails for good (what was sampled stays
// and a re-run resumes), InputError for a malformed samples file.
StudyOutcome run_external_study(const StudyConfig& config, const StudyOptions& options);

}  // namespace rlvr::study
