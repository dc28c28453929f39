// The result of a boundary analysis of several models on shared problems:
// what `rlvr analyze` computes and what the report room draws. Plain data, so
// that computing and showing stay in separate rooms. Build these structs by
// naming their fields (designated initialisers or assignments), never by
// position, so that a field can go where it belongs.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rlvr {

// One point of a curve over k with its percentile-bootstrap interval.
struct CurvePoint {
  int64_t k = 0;
  double value = 0.0;
  double ci_low = 0.0;
  double ci_high = 0.0;
};

// The share of problems whose per-problem accuracy c/n is at least tau
// (cover@tau), with its percentile-bootstrap interval.
struct CoverPoint {
  double tau = 0.0;
  double value = 0.0;
  double ci_low = 0.0;
  double ci_high = 0.0;
};

struct ModelSummary {
  std::string label;
  int64_t problems = 0;            // problems this model has samples for
  std::vector<std::string> files;  // the sample files read, in order
  // The values below are over the problems all models share
  // (problems_analyzed of them, `samples` samples in all).
  int64_t problems_analyzed = 0;
  int64_t samples = 0;
  int64_t n_min = 0, n_max = 0;    // fewest and most samples of one problem
  std::vector<CurvePoint> pass_at_k;
  std::vector<CurvePoint> maj_at_k;  // empty when no extracted answers were given
  int64_t solved = 0;                // problems with at least one correct sample
  std::array<int64_t, 10> accuracy_histogram{};  // per-problem c/n in [0,.1),...,[.9,1]
  std::vector<CoverPoint> cover_at_tau;          // one point per asked tau, ascending
};

// Problem ids in each cell of the solved/unsolved table of two models.
struct Coverage {
  std::vector<std::string> both, baseline_only, model_only, neither;
};

struct Comparison {
  std::string baseline, model;
  int64_t problems = 0;               // problems both models have
  std::optional<int64_t> crossover_k;  // first k from which baseline >= model for good
  double delta_se = 0.0;              // baseline pass@k_max - model pass@1
  double delta_se_ci_low = 0.0, delta_se_ci_high = 0.0;  // paired bootstrap
  int64_t k_max = 0;
  Coverage coverage;
  // Model pass@k minus baseline pass@k at every evaluated k (CurvePoint::value
  // is the difference), with intervals from the paired bootstrap: each
  // replicate resamples the problems once for both models.
  std::vector<CurvePoint> pass_at_k_difference;
};

// Per-problem sample counts of one model (after merging shards).
struct ProblemCounts {
  int64_t n = 0;
  int64_t correct = 0;
};

struct Analysis {
  std::vector<ModelSummary> models;  // in the order the user gave them
  std::vector<Comparison> comparisons;
  // problem id -> counts per model label, for the per-problem table.
  std::map<std::string, std::map<std::string, ProblemCounts>> per_problem;
  std::vector<std::string> notes;  // e.g. "3 problems dropped: missing for model rl"

  // How it was computed, so that a result can be reproduced.
  std::string baseline;           // label of the model the others are compared with
  std::vector<int64_t> ks;        // evaluated k, ascending
  int64_t problems = 0;           // problems all models share (the analysed set)
  int64_t bootstrap = 0;          // replicates (0: intervals equal the estimates)
  uint64_t seed = 0;
  double ci_level = 0.95;
  int64_t maj_draws = 0;          // Monte Carlo orders per problem for maj@k
  std::vector<double> cover_taus; // the tau of cover@tau, ascending
  // model label -> ids of problems other models have and it lacks (dropped).
  std::map<std::string, std::vector<std::string>> missing_problems;
  // Provenance: the program that computed it ("rlvr 0.1.0 (commit)", set by
  // the command line) and how long reading and computing took.
  std::string program;
  double read_seconds = 0.0, analysis_seconds = 0.0;
};

}  // namespace rlvr
