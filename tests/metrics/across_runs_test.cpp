// Mean and Student t-interval of a statistic measured once per run, by hand.
#include <cmath>

#include <gtest/gtest.h>

#include "rlvr/metrics/across_runs.h"

using rlvr::metrics::across_runs;
using rlvr::metrics::t_quantile_95;

TEST(AcrossRuns, MeanSampleSdAndTInterval) {
  // 1, 2, 3: mean 2, sd 1, t(0.975, 2) = 4.303, half width 4.303 / sqrt(3).
  auto s = across_runs({1, 2, 3});
  EXPECT_EQ(s.runs, 3);
  EXPECT_DOUBLE_EQ(s.mean, 2.0);
  EXPECT_DOUBLE_EQ(s.sd, 1.0);
  EXPECT_NEAR(s.low, 2.0 - 4.303 / std::sqrt(3.0), 1e-12);
  EXPECT_NEAR(s.high, 2.0 + 4.303 / std::sqrt(3.0), 1e-12);
}

TEST(AcrossRuns, OneRunHasNoSpreadAndNoneHasNothing) {
  auto one = across_runs({0.25});
  EXPECT_EQ(one.runs, 1);
  EXPECT_DOUBLE_EQ(one.low, 0.25);
  EXPECT_DOUBLE_EQ(one.high, 0.25);
  EXPECT_EQ(across_runs({}).runs, 0);
}

TEST(AcrossRuns, TQuantileFromTheTableAndBeyondIt) {
  EXPECT_DOUBLE_EQ(t_quantile_95(1), 12.706);
  EXPECT_DOUBLE_EQ(t_quantile_95(3), 3.182);
  EXPECT_DOUBLE_EQ(t_quantile_95(30), 2.042);
  // Published values: 2.021 (40), 2.000 (60), 1.980 (120); the normal's 1.960 in the limit.
  EXPECT_NEAR(t_quantile_95(40), 2.021, 1e-3);
  EXPECT_NEAR(t_quantile_95(60), 2.000, 1e-3);
  EXPECT_NEAR(t_quantile_95(120), 1.980, 1e-3);
  EXPECT_NEAR(t_quantile_95(1000000), 1.960, 1e-3);
}
