#include <cmath>
#include <cstdint>

#include <gtest/gtest.h>

#include "rlvr/metrics/pass_at_k.h"
#include "rlvr/util/error.h"

using rlvr::metrics::pass_at_k;

namespace {

// C(n, k) exactly, for n <= 60 (fits in 64 bits).
uint64_t binomial(uint64_t n, uint64_t k) {
  if (k > n) return 0;
  uint64_t r = 1;
  for (uint64_t i = 1; i <= k; ++i) r = r * (n - k + i) / i;  // exact at every step
  return r;
}

// The same ratio through log-gamma, as an independent reference.
double pass_at_k_lgamma(double n, double c, double k) {
  double log_ratio = std::lgamma(n - c + 1) - std::lgamma(n - c - k + 1) - std::lgamma(n + 1) + std::lgamma(n - k + 1);
  return -std::expm1(log_ratio);
}

}  // namespace

TEST(PassAtK, HandComputedValues) {
  EXPECT_DOUBLE_EQ(pass_at_k(4, 2, 2), 1.0 - 1.0 / 6.0);    // 1 - C(2,2)/C(4,2)
  EXPECT_DOUBLE_EQ(pass_at_k(10, 3, 5), 1.0 - 21.0 / 252);  // 1 - C(7,5)/C(10,5)
  EXPECT_DOUBLE_EQ(pass_at_k(5, 1, 1), 0.2);
  EXPECT_DOUBLE_EQ(pass_at_k(256, 64, 1), 0.25);
}

TEST(PassAtK, EdgeCases) {
  EXPECT_EQ(pass_at_k(8, 0, 1), 0.0);  // c = 0
  EXPECT_EQ(pass_at_k(8, 0, 8), 0.0);
  EXPECT_EQ(pass_at_k(8, 8, 1), 1.0);  // n = c
  EXPECT_EQ(pass_at_k(8, 1, 8), 1.0);  // k = n: some correct sample is always drawn
  EXPECT_EQ(pass_at_k(8, 3, 6), 1.0);  // n - c < k
  EXPECT_DOUBLE_EQ(pass_at_k(1, 1, 1), 1.0);
  EXPECT_THROW(pass_at_k(8, 3, 9), rlvr::Error);  // k > n
  EXPECT_THROW(pass_at_k(8, 3, 0), rlvr::Error);
  EXPECT_THROW(pass_at_k(8, 9, 1), rlvr::Error);  // c > n
}

TEST(PassAtK, MatchesExactBinomialsForEverySmallCase) {
  for (int64_t n = 1; n <= 60; ++n)
    for (int64_t c = 0; c <= n; ++c)
      for (int64_t k = 1; k <= n; ++k) {
        long double exact = 1.0L - static_cast<long double>(binomial(n - c, k)) / binomial(n, k);
        double got = pass_at_k(n, c, k);
        ASSERT_NEAR(got, static_cast<double>(exact), 1e-14 * std::max(1.0, static_cast<double>(exact)))
            << "n=" << n << " c=" << c << " k=" << k;
      }
}

TEST(PassAtK, LargeNAgreesWithLogGamma) {
  // n = 100000, c = 3, k = 50000: 1 - (50000*49999*49998)/(100000*99999*99998).
  double reference = pass_at_k_lgamma(100000, 3, 50000);
  double closed = 1.0 - (50000.0 * 49999 * 49998) / (100000.0 * 99999 * 99998);
  EXPECT_NEAR(pass_at_k(100000, 3, 50000), reference, 1e-9);
  EXPECT_NEAR(pass_at_k(100000, 3, 50000), closed, 1e-15);
  EXPECT_NEAR(pass_at_k(100000, 50000, 3), pass_at_k_lgamma(100000, 50000, 3), 1e-9);
  EXPECT_NEAR(pass_at_k(100000, 500, 1000), pass_at_k_lgamma(100000, 500, 1000), 1e-9);
  // Tiny values keep their relative precision (no cancellation).
  EXPECT_NEAR(pass_at_k(100000, 1, 1), 1e-5, 1e-20);
  EXPECT_NEAR(pass_at_k(100000, 2, 1), 2e-5, 1e-20);
  // Huge k with many correct: the ratio underflows and the value is 1.
  EXPECT_EQ(pass_at_k(100000, 40000, 50000), 1.0);
}

TEST(PassAtK, MatrixIsRowMajorAndThreadIndependent) {
  std::vector<int64_t> n{4, 10, 8}, c{2, 3, 0}, ks{1, 2, 4};
  auto one = rlvr::metrics::pass_at_k_matrix(n, c, ks, 1);
  auto three = rlvr::metrics::pass_at_k_matrix(n, c, ks, 3);
  ASSERT_EQ(one.size(), 9u);
  EXPECT_EQ(one, three);
  EXPECT_DOUBLE_EQ(one[0 * 3 + 1], pass_at_k(4, 2, 2));
  EXPECT_DOUBLE_EQ(one[1 * 3 + 2], pass_at_k(10, 3, 4));
  EXPECT_EQ(one[2 * 3 + 0], 0.0);
}

TEST(PassAtK, DefaultKsArePowersOfTwoAndN) {
  using rlvr::metrics::default_ks;
  using Ks = std::vector<int64_t>;
  EXPECT_EQ(default_ks(0), Ks{});
  EXPECT_EQ(default_ks(1), Ks{1});
  EXPECT_EQ(default_ks(2), Ks({1, 2}));
  EXPECT_EQ(default_ks(6), Ks({1, 2, 4, 6}));
  EXPECT_EQ(default_ks(8), Ks({1, 2, 4, 8}));
  EXPECT_EQ(default_ks(100), Ks({1, 2, 4, 8, 16, 32, 64, 100}));
}
