#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rlvr/metrics/maj_at_k.h"

using rlvr::metrics::AnswerGroup;
using rlvr::metrics::maj_at_k_row;

namespace {

std::vector<double> maj(const std::vector<AnswerGroup>& groups, int64_t n, std::vector<int64_t> ks, int draws,
                        uint64_t seed = 1) {
  std::vector<double> out(ks.size());
  maj_at_k_row(groups, n, ks, draws, seed, out);
  return out;
}

// maj@k by enumerating every k-subset of the samples (small n only).
double brute_force(const std::vector<AnswerGroup>& groups, int n, int k) {
  std::vector<int> owner;
  for (int g = 0; g < static_cast<int>(groups.size()); ++g) owner.insert(owner.end(), groups[g].samples, g);
  owner.resize(n, -1);
  double total = 0;
  int subsets = 0;
  for (unsigned mask = 0; mask < (1u << n); ++mask) {
    if (__builtin_popcount(mask) != k) continue;
    ++subsets;
    std::vector<int> votes(groups.size(), 0);
    for (int i = 0; i < n; ++i)
      if (mask & (1u << i) && owner[i] >= 0) ++votes[owner[i]];
    int lead = 0;
    for (int v : votes) lead = std::max(lead, v);
    if (lead == 0) continue;
    double tied = 0, score = 0;
    for (size_t g = 0; g < groups.size(); ++g)
      if (votes[g] == lead) {
        ++tied;
        score += static_cast<double>(groups[g].correct) / groups[g].samples;
      }
    total += score / tied;
  }
  return total / subsets;
}

}  // namespace

TEST(MajAtK, UnanimousAnswersGiveZeroOrOne) {
  EXPECT_EQ(maj({{5, 5}}, 5, {1, 2, 5}, 10), (std::vector<double>{1, 1, 1}));
  EXPECT_EQ(maj({{5, 0}}, 5, {1, 2, 5}, 10), (std::vector<double>{0, 0, 0}));
  EXPECT_EQ(maj({}, 4, {1, 4}, 10), (std::vector<double>{0, 0}));  // nobody answered
}

TEST(MajAtK, TiesCountHalf) {
  // n = 4: answer a three times (correct), b once (wrong).
  // k = 2: 3 of 6 pairs are {a,a} -> 1, 3 are {a,b} -> tie -> 1/2: (3 + 1.5)/6.
  // k = 3, 4: a always has the majority.
  auto got = maj({{3, 3}, {1, 0}}, 4, {1, 2, 3, 4}, 20000);
  EXPECT_DOUBLE_EQ(got[0], 0.75);  // exact: 3 of 4 samples are correct
  EXPECT_NEAR(got[1], 0.75, 0.01);
  EXPECT_EQ(got[2], 1.0);
  EXPECT_EQ(got[3], 1.0);
}

TEST(MajAtK, MonteCarloMatchesEnumeration) {
  // 12 samples: right answer 4 times, a popular wrong answer 5 times, another
  // wrong answer twice, one sample without an answer.
  std::vector<AnswerGroup> groups{{4, 4}, {5, 0}, {2, 0}};
  std::vector<int64_t> ks{1, 2, 3, 5, 8, 12};
  auto got = maj(groups, 12, ks, 40000, 7);
  for (size_t j = 0; j < ks.size(); ++j)
    EXPECT_NEAR(got[j], brute_force(groups, 12, static_cast<int>(ks[j])), 0.01) << "k=" << ks[j];
  EXPECT_EQ(got.back(), 0.0);  // all 12: the wrong answer has 5 votes to 4
}

TEST(MajAtK, SeededAndReproducible) {
  std::vector<AnswerGroup> groups{{4, 4}, {5, 0}, {2, 0}};
  EXPECT_EQ(maj(groups, 12, {2, 3}, 50, 3), maj(groups, 12, {2, 3}, 50, 3));
  EXPECT_NE(maj(groups, 12, {2, 3}, 50, 3), maj(groups, 12, {2, 3}, 50, 4));
}

TEST(MajAtK, GroupingKeyIsPluggable) {
  rlvr::data::AnswerCounts answers{
      {"1/2", {2, 2}}, {"0.5", {3, 3}}, {"7", {4, 0}}};
  auto exact = rlvr::metrics::group_answers(answers, rlvr::metrics::exact_answer_key);
  EXPECT_EQ(exact.size(), 3u);
  auto as_value = [](std::string_view a) { return a == "1/2" ? std::string("0.5") : std::string(a); };
  auto merged = rlvr::metrics::group_answers(answers, as_value);
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0].samples, 5);  // "0.5" and "1/2" now vote together
  EXPECT_EQ(merged[0].correct, 5);
  // With 9 samples, all 9 drawn: 5 votes for 0.5 beat 4 for 7 only once merged.
  EXPECT_EQ(maj(merged, 9, {9}, 5)[0], 1.0);
  EXPECT_EQ(maj(exact, 9, {9}, 5)[0], 0.0);
}
