#include <gtest/gtest.h>

#include "rlvr/metrics/boundary.h"

using namespace rlvr::metrics;

TEST(Crossover, FirstKFromWhichBaselineStaysAhead) {
  std::vector<int64_t> ks{1, 2, 4, 8};
  EXPECT_EQ(crossover_k(ks, std::vector<double>{0.2, 0.4, 0.7, 0.9}, std::vector<double>{0.5, 0.6, 0.65, 0.7}), 4);
  // Ahead at k = 1, behind at k = 2, ahead for good from k = 4.
  EXPECT_EQ(crossover_k(ks, std::vector<double>{0.6, 0.4, 0.7, 0.9}, std::vector<double>{0.5, 0.5, 0.6, 0.7}), 4);
  // Always at or above (equal counts as at): from the first k.
  EXPECT_EQ(crossover_k(ks, std::vector<double>{0.5, 0.6, 0.7, 0.8}, std::vector<double>{0.5, 0.6, 0.7, 0.8}), 1);
  // The model is still ahead at the largest k: no crossover.
  EXPECT_EQ(crossover_k(ks, std::vector<double>{0.2, 0.4, 0.7, 0.79}, std::vector<double>{0.5, 0.6, 0.65, 0.8}),
            std::nullopt);
}

TEST(DeltaSE, IsBaselineAtKMaxMinusModelAtOne) { EXPECT_DOUBLE_EQ(delta_se(0.9, 0.6), 0.3); }

TEST(Coverage, SortsProblemsIntoFourCells) {
  std::vector<std::string> ids{"a", "b", "c", "d", "e"};
  std::vector<int64_t> base{3, 0, 1, 0, 5}, model{1, 2, 0, 0, 5};
  rlvr::Coverage c = coverage(ids, base, model);
  EXPECT_EQ(c.both, (std::vector<std::string>{"a", "e"}));
  EXPECT_EQ(c.model_only, (std::vector<std::string>{"b"}));
  EXPECT_EQ(c.baseline_only, (std::vector<std::string>{"c"}));
  EXPECT_EQ(c.neither, (std::vector<std::string>{"d"}));
}

TEST(AccuracyHistogram, TenBinsWithTheLastClosed) {
  std::vector<int64_t> n{10, 10, 10, 20, 100, 100, 7};
  std::vector<int64_t> c{0, 1, 10, 19, 9, 99, 3};
  auto h = accuracy_histogram(n, c);
  // 0 -> bin 0; .1 -> 1; 1.0 -> 9; .95 -> 9; .09 -> 0; .99 -> 9; 3/7 = .43 -> 4
  EXPECT_EQ(h, (std::array<int64_t, 10>{2, 1, 0, 0, 1, 0, 0, 0, 0, 3}));
}
