// study.seeds: the laboratory study once per seed, each in DIR/seed-<n>/ as a
// study of its own (report, summary.json, stage caches), then compared across
// seeds in DIR/report.html and DIR/summary.json. For every task and model: the
// paired difference from the base at k = 1 and at the largest k, per seed with
// its bootstrap interval over that seed's problems, and across seeds as a mean
// with a t-interval over the seeds (which also varies the base model, the RL
// runs and the drawn problems).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "rlvr/metrics/across_runs.h"
#include "rlvr/study/config.h"
#include "rlvr/study/pipeline.h"

namespace rlvr::study {

struct SeedDifference {
  uint64_t seed = 0;
  double value = 0, low = 0, high = 0;  // model minus base, 95% paired bootstrap interval
};

struct SeedComparison {
  std::string task, model, baseline;
  int64_t k_max = 1;
  std::vector<SeedDifference> at_1, at_k_max;  // one per seed, in the order of study.seeds
  std::vector<std::string> verdicts;           // each seed's verdict in words (summary.json verdict.text)
  metrics::RunSpread spread_1, spread_k_max;
};

// The folder of one seed's study.
std::filesystem::path seed_dir(const std::filesystem::path& out, uint64_t seed);

// Reads DIR/seed-<n>/<task>/analysis/summary.json of every seed.
std::vector<SeedComparison> compare_seeds(const std::filesystem::path& out, const std::vector<uint64_t>& seeds,
                                          const std::vector<std::string>& tasks);

// One sentence per comparison: in how many seeds each difference is
// significant, and the across-seed means with their t-intervals.
std::string describe_across_seeds(const SeedComparison& c);

// Runs every seed's study, then writes DIR/summary.json and DIR/report.html.
StudyOutcome run_seeded_study(const StudyConfig& config, const StudyOptions& options);

}  // namespace rlvr::study
