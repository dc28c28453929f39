// The analysis behind `rlvr analyze`: sample counts of several models in,
// an Analysis out (pass@k and maj@k curves and cover@tau with bootstrap
// intervals, paired differences against the baseline, crossover k, Delta_SE,
// coverage, accuracy histograms). Everything is
// computed on the problems all models share; the rest are named in notes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "rlvr/data/model_samples.h"
#include "rlvr/data/sample_reader.h"
#include "rlvr/metrics/analysis.h"
#include "rlvr/metrics/maj_at_k.h"

namespace rlvr::metrics {

struct ModelInput {
  std::string label;
  data::ModelSamples samples;
};

struct AnalysisOptions {
  std::string baseline;          // empty: the first model
  std::vector<int64_t> ks;       // empty: powers of two up to the smallest n, and that n
  int64_t bootstrap = 1000;      // replicates; 0 turns the intervals off
  uint64_t seed = 0;
  double ci_level = 0.95;
  int maj_draws = 32;            // random orders per problem for maj@k
  int threads = 0;               // 0: all cores; results do not depend on it
  AnswerKey answer_key = exact_answer_key;  // how maj@k groups answers
  // cover@tau is computed at each tau, every one in (0, 1]; empty: none.
  std::vector<double> cover_taus = {0.1, 0.3, 0.5, 0.7, 0.9};
};

// Throws rlvr::Error when the request cannot be met (unknown baseline, no
// shared problems, k larger than some problem's n: the message says which).
Analysis analyze_models(const std::vector<ModelInput>& models, const AnalysisOptions& options);

// Reads each model's files (label, paths) and analyses them.
Analysis analyze_files(const std::vector<std::pair<std::string, std::vector<std::filesystem::path>>>& models,
                       const data::ReadOptions& read, const AnalysisOptions& options);

// Orders problem ids as people expect: integers numerically, before others.
bool natural_less(const std::string& a, const std::string& b);

}  // namespace rlvr::metrics
