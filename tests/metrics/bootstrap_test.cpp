#include <vector>

#include <gtest/gtest.h>

#include "rlvr/metrics/bootstrap.h"
#include "rlvr/metrics/random.h"
#include "rlvr/util/seed.h"

using namespace rlvr::metrics;

namespace {
std::vector<double> example_matrix(int64_t problems, int64_t columns) {
  std::vector<double> m(static_cast<size_t>(problems * columns));
  for (int64_t p = 0; p < problems; ++p)
    for (int64_t j = 0; j < columns; ++j) m[p * columns + j] = static_cast<double>((p * 7 + j * 3) % 11) / 10.0;
  return m;
}
}  // namespace

TEST(Bootstrap, SameSeedSameNumbersAtAnyThreadCount) {
  auto m = example_matrix(200, 3);
  auto a = bootstrap_means(m, 200, 3, 300, 42, 1);
  auto b = bootstrap_means(m, 200, 3, 300, 42, 4);
  EXPECT_EQ(a, b);
  auto c = bootstrap_means(m, 200, 3, 300, 43, 1);
  EXPECT_NE(a, c);
  Interval ia = percentile_interval(a, 3, 1), ic = percentile_interval(c, 3, 1);
  EXPECT_NE(ia.low, ic.low);
}

TEST(Bootstrap, IntervalSurroundsTheMeanAndNarrowsWithMoreProblems) {
  auto small = example_matrix(50, 1), large = example_matrix(2000, 1);
  double mean_small = 0, mean_large = 0;
  for (double v : small) mean_small += v / 50;
  for (double v : large) mean_large += v / 2000;
  Interval is = percentile_interval(bootstrap_means(small, 50, 1, 1000, 1), 1, 0);
  Interval il = percentile_interval(bootstrap_means(large, 2000, 1, 1000, 1), 1, 0);
  EXPECT_LT(is.low, mean_small);
  EXPECT_GT(is.high, mean_small);
  EXPECT_LT(il.low, mean_large);
  EXPECT_GT(il.high, mean_large);
  EXPECT_LT(il.high - il.low, is.high - is.low);
}

TEST(Bootstrap, ConstantColumnHasAZeroWidthInterval) {
  std::vector<double> m(100, 0.25);
  Interval i = percentile_interval(bootstrap_means(m, 100, 1, 200, 9), 1, 0);
  EXPECT_DOUBLE_EQ(i.low, 0.25);
  EXPECT_DOUBLE_EQ(i.high, 0.25);
}

TEST(Quantile, InterpolatesLinearlyLikeNumpy) {
  std::vector<double> v{4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(quantile(v, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(quantile(v, 0.25), 1.75);
  EXPECT_DOUBLE_EQ(quantile(v, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(quantile(v, 1.0), 4.0);
}

// Pooling equal rows changes only the order of additions: the replicate
// means equal a plain resample-and-average with the same draws.
TEST(Bootstrap, PooledRowsMatchAPlainResample) {
  const int64_t problems = 300, columns = 4, replicates = 20;
  auto m = example_matrix(problems, columns);  // many equal rows
  for (auto blocks : {std::vector<int64_t>{}, std::vector<int64_t>{2, 2}, std::vector<int64_t>{1, 3}}) {
    auto pooled = bootstrap_means(m, problems, columns, replicates, 8, 2, blocks);
    for (int64_t b = 0; b < replicates; ++b) {
      RandomStream random(rlvr::derive_seed(8, {0x626f6f74, static_cast<uint64_t>(b)}));
      std::vector<double> sum(columns, 0.0);
      for (int64_t i = 0; i < problems; ++i) {
        int64_t p = random.below32(static_cast<uint32_t>(problems));
        for (int64_t j = 0; j < columns; ++j) sum[j] += m[p * columns + j];
      }
      for (int64_t j = 0; j < columns; ++j) ASSERT_NEAR(pooled[b * columns + j], sum[j] / problems, 1e-12);
    }
  }
}
