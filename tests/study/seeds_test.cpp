// study.seeds: per-seed differences read back from each seed's analysis, and
// the across-seed mean and t-interval, by hand.
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "rlvr/study/seeds.h"
#include "support/temp_dir.h"

using rlvr::study::compare_seeds;
using rlvr::study::describe_across_seeds;
using rlvr::study::SeedComparison;

namespace {

// One seed's countdown analysis: grpo against base with the given pass@1 and pass@64 differences.
void write_seed(const TempDir& dir, uint64_t seed, double d1, double lo1, double hi1, double d64, double lo64,
                double hi64, const char* verdict) {
  dir.write(fmt::format("seed-{}/countdown/analysis/summary.json", seed),
            fmt::format(R"({{"comparisons": [{{"model": "grpo", "baseline": "base", "k_max": 64,
               "pass_at_k_difference": {{"1": {}, "8": 0.5, "64": {}}},
               "pass_at_k_difference_ci": {{"1": [{}, {}], "8": [0, 1], "64": [{}, {}]}},
               "verdict": {{"text": "{}"}}}}]}})",
                        d1, d64, lo1, hi1, lo64, hi64, verdict));
}

TEST(Seeds, ComparesEachModelAcrossSeedsFromTheirAnalyses) {
  TempDir dir;
  write_seed(dir, 1, 0.03, 0.01, 0.05, -0.12, -0.20, -0.05, "sharpens and narrows");
  write_seed(dir, 2, 0.02, -0.01, 0.04, -0.08, -0.15, -0.01, "narrows");
  write_seed(dir, 5, 0.04, 0.02, 0.06, -0.04, -0.10, 0.02, "sharpens");
  std::vector<SeedComparison> all = compare_seeds(dir.path(), {1, 2, 5}, {"countdown"});
  ASSERT_EQ(all.size(), 1u);
  const SeedComparison& c = all[0];
  EXPECT_EQ(c.model, "grpo");
  EXPECT_EQ(c.k_max, 64);
  ASSERT_EQ(c.at_1.size(), 3u);
  EXPECT_EQ(c.at_1[2].seed, 5u);
  EXPECT_DOUBLE_EQ(c.at_1[1].low, -0.01);
  EXPECT_DOUBLE_EQ(c.at_k_max[0].value, -0.12);
  EXPECT_EQ(c.verdicts, (std::vector<std::string>{"sharpens and narrows", "narrows", "sharpens"}));
  // pass@1: 0.03, 0.02, 0.04 -> mean 0.03, sd 0.01, t(2) = 4.303.
  EXPECT_NEAR(c.spread_1.mean, 0.03, 1e-12);
  EXPECT_NEAR(c.spread_1.sd, 0.01, 1e-12);
  EXPECT_NEAR(c.spread_1.low, 0.03 - 4.303 * 0.01 / std::sqrt(3.0), 1e-12);
  // pass@64: -0.12, -0.08, -0.04 -> mean -0.08, sd 0.04.
  EXPECT_NEAR(c.spread_k_max.mean, -0.08, 1e-12);
  EXPECT_NEAR(c.spread_k_max.high, -0.08 + 4.303 * 0.04 / std::sqrt(3.0), 1e-12);
  EXPECT_EQ(describe_across_seeds(c),
            "grpo on countdown against base: pass@1 significantly up in 2, down in 0, neither in 1 of 3 seeds "
            "(paired bootstrap intervals); across seeds +0.030 [+0.005, +0.055]. pass@64 significantly up in 0, "
            "down in 2, neither in 1 of 3 seeds; across seeds -0.080 [-0.179, +0.019].");
}

TEST(Seeds, AMissingSeedOrAnotherSetOfModelsNamesTheFile) {
  TempDir dir;
  write_seed(dir, 1, 0.03, 0.01, 0.05, -0.12, -0.20, -0.05, "sharpens");
  try {
    compare_seeds(dir.path(), {1, 2}, {"countdown"});
    FAIL() << "a missing seed was accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("seed-2/countdown/analysis/summary.json"), std::string::npos) << e.what();
  }
  dir.write("seed-2/countdown/analysis/summary.json", R"({"comparisons": []})");
  try {
    compare_seeds(dir.path(), {1, 2}, {"countdown"});
    FAIL() << "another set of models was accepted";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("another set of models than seed 1's"), std::string::npos) << e.what();
  }
}

}  // namespace
