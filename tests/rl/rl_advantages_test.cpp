// Advantage estimators against values computed by hand (the arithmetic is in
// the comments), including groups of one, all-equal groups and padding.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlvr/train/rl_advantages.h"
#include "rlvr/train/rl_rewards.h"
#include "rlvr/util/error.h"

using namespace rlvr::train;

namespace {

torch::Tensor t2(std::vector<std::vector<double>> rows) {
  int64_t B = rows.size(), T = rows[0].size();
  torch::Tensor out = torch::zeros({B, T}, torch::kDouble);
  for (int64_t i = 0; i < B; ++i)
    for (int64_t t = 0; t < T; ++t) out[i][t] = rows[i][t];
  return out;
}

void expect_near(const torch::Tensor& got, std::vector<std::vector<double>> want, double tol = 1e-6) {
  ASSERT_EQ(got.size(0), static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i)
    for (size_t t = 0; t < want[i].size(); ++t)
      EXPECT_NEAR(got[i][t].item<double>(), want[i][t], tol) << "row " << i << " position " << t;
}

// Outcome scores on the last valid token, as the trainer builds them.
AdvantageInputs outcome(const std::vector<double>& scores, const torch::Tensor& mask,
                        std::vector<int64_t> group) {
  AdvantageInputs in;
  in.mask = mask;
  in.token_rewards = token_level_scores(scores, mask);
  in.group = std::move(group);
  return in;
}

}  // namespace

TEST(Grpo, NormalisesByUnbiasedGroupStd) {
  // Group 0: scores 1,0,0,1 -> mean 0.5, unbiased std sqrt(4 * 0.25 / 3) = 0.577350.
  // A = +-0.5 / (0.577350 + 1e-6) = +-0.866024.
  torch::Tensor mask = t2({{1, 1, 0}, {1, 0, 0}, {1, 1, 1}, {1, 1, 0}});
  AdvantageResult r = grpo_advantages(outcome({1, 0, 0, 1}, mask, {0, 0, 0, 0}), {});
  double a = 0.5 / (std::sqrt(1.0 / 3.0) + 1e-6);
  expect_near(r.advantages, {{a, a, 0}, {-a, 0, 0}, {-a, -a, -a}, {a, a, 0}});
}

TEST(Grpo, GroupOfOneKeepsItsScoreAndAllEqualGroupsGetZero) {
  // Group 7 has one row: verl uses mean 0, std 1 -> A = 2 / (1 + 1e-6).
  // Group 3 has scores 1,1,1 -> A = 0 everywhere.
  torch::Tensor mask = t2({{1, 1}, {1, 1}, {1, 0}, {1, 1}});
  AdvantageResult r = grpo_advantages(outcome({2, 1, 1, 1}, mask, {7, 3, 3, 3}), {});
  double a = 2.0 / (1.0 + 1e-6);
  expect_near(r.advantages, {{a, a}, {0, 0}, {0, 0}, {0, 0}});
  EXPECT_DOUBLE_EQ(zero_advantage_group_fraction(r.advantages, mask, {7, 3, 3, 3}), 0.5);
}

TEST(Grpo, WithoutStdIsDrGrpo) {
  // Scores 3,1 in one group: mean 2 -> A = +1, -1 (no division).
  torch::Tensor mask = t2({{1, 1}, {1, 0}});
  AdvantageOptions opt;
  opt.norm_by_std = false;
  expect_near(grpo_advantages(outcome({3, 1}, mask, {0, 0}), opt).advantages, {{1, 1}, {-1, 0}});
  // With std: sqrt(2) -> +-1/sqrt(2).
  double a = 1.0 / (std::sqrt(2.0) + 1e-6);
  expect_near(grpo_advantages(outcome({3, 1}, mask, {0, 0}), {}).advantages, {{a, a}, {-a, 0}});
}

TEST(Rloo, SubtractsMeanOfTheOthers) {
  // Group 0: 3,1,2 -> 3 - 1.5 = 1.5, 1 - 2.5 = -1.5, 2 - 2 = 0.
  // Group 1: 1,0,0,1 -> 1 - 1/3 = 2/3, 0 - 2/3 = -2/3. Group 2 (one row): keeps 5.
  torch::Tensor mask = torch::ones({8, 1}, torch::kDouble);
  AdvantageResult r =
      rloo_advantages(outcome({3, 1, 2, 1, 0, 0, 1, 5}, mask, {0, 0, 0, 1, 1, 1, 1, 2}), {});
  expect_near(r.advantages,
              {{1.5}, {-1.5}, {0}, {2.0 / 3}, {-2.0 / 3}, {-2.0 / 3}, {2.0 / 3}, {5}});
}

TEST(Rloo, AllEqualGroupGivesZero) {
  torch::Tensor mask = t2({{1, 1}, {1, 0}, {1, 1}});
  expect_near(rloo_advantages(outcome({1, 1, 1}, mask, {0, 0, 0}), {}).advantages,
              {{0, 0}, {0, 0}, {0, 0}});
}

TEST(ReinforcePP, ReturnToGoWhitenedOverBatchAndResetAfterEos) {
  // Row 0 (3 tokens): rewards -0.1, 0, 1 -> returns 0.9, 1, 1.
  // Row 1 (2 tokens, one pad holding a stray 5 that must not leak): 0, 0.5 -> 0.5, 0.5.
  // Masked returns 0.9, 1, 1, 0.5, 0.5: mean 0.78, deviations .12 .22 .22 -.28 -.28,
  // unbiased var 0.268 / 4 = 0.067.
  AdvantageInputs in;
  in.mask = t2({{1, 1, 1}, {1, 1, 0}});
  in.token_rewards = t2({{-0.1, 0, 1}, {0, 0.5, 5}});
  in.group = {0, 0};
  AdvantageResult r = reinforce_pp_advantages(in, {});
  double s = std::sqrt(0.067 + 1e-8);
  expect_near(r.advantages, {{0.12 / s, 0.22 / s, 0.22 / s}, {-0.28 / s, -0.28 / s, 0}});
  expect_near(r.returns.slice(1, 0, 2), {{0.9, 1}, {0.5, 0.5}});
}

TEST(ReinforcePP, DiscountsWithGamma) {
  // gamma 0.5, rewards 0, 0, 1 -> returns 0.25, 0.5, 1.
  AdvantageInputs in;
  in.mask = t2({{1, 1, 1}});
  in.token_rewards = t2({{0, 0, 1}});
  in.group = {0};
  AdvantageOptions opt;
  opt.gamma = 0.5;
  expect_near(reinforce_pp_advantages(in, opt).returns, {{0.25, 0.5, 1}});
}

TEST(ReinforcePPBaseline, SubtractsGroupMeanThenWhitens) {
  // Group 0: 1, 0 -> 0.5, -0.5; group 1 (one row): 1 - 0 = 1.
  // Tokens (lengths 2, 1, 2): .5 .5 -.5 1 1: mean .5, deviations 0 0 -1 .5 .5,
  // unbiased var 1.5 / 4 = 0.375.
  torch::Tensor mask = t2({{1, 1}, {1, 0}, {1, 1}});
  AdvantageResult r = reinforce_pp_baseline_advantages(outcome({1, 0, 1}, mask, {0, 0, 1}), {});
  double s = std::sqrt(0.375 + 1e-8);
  expect_near(r.advantages, {{0, 0}, {-1 / s, 0}, {0.5 / s, 0.5 / s}});
}

TEST(ReMax, SubtractsGreedyScoreWithoutWhitening) {
  // Row 0: score 1, greedy baseline 0 -> 1 on every token.
  // Row 1: score 0, baseline 1 -> -1 on its two tokens, 0 on the pad.
  AdvantageInputs in = outcome({1, 0}, t2({{1, 1, 1}, {1, 1, 0}}), {0, 1});
  in.baseline_scores = torch::tensor({0.0, 1.0}, torch::kDouble);
  expect_near(remax_advantages(in, {}).advantages, {{1, 1, 1}, {-1, -1, 0}});
  // With a KL penalty in the reward: rewards -0.1, -0.2, 0.9 -> returns 0.6, 0.7, 0.9;
  // baseline 0.5 -> 0.1, 0.2, 0.4.
  in.token_rewards = t2({{-0.1, -0.2, 0.9}, {0, 0, 0}});
  in.baseline_scores = torch::tensor({0.5, 0.0}, torch::kDouble);
  expect_near(remax_advantages(in, {}).advantages.slice(0, 0, 1), {{0.1, 0.2, 0.4}});
}

TEST(Gae, GammaLambdaOneIsReturnMinusValueThenWhitened) {
  // Rewards 0,0,1, values .5,.6,.7: deltas .1,.1,.3 -> GAE .5,.4,.3, returns 1,1,1.
  // Whitened: mean .4, unbiased std .1 -> 1, 0, -1.
  AdvantageInputs in;
  in.mask = t2({{1, 1, 1}});
  in.token_rewards = t2({{0, 0, 1}});
  in.values = t2({{0.5, 0.6, 0.7}});
  in.group = {0};
  AdvantageResult r = gae_advantages(in, {});
  expect_near(r.returns, {{1, 1, 1}});
  expect_near(r.advantages, {{1, 0, -1}}, 1e-5);
}

TEST(Gae, DiscountedAndSkipsPadding) {
  // gamma = lambda = 0.5 on row 0: t2: delta .3, gae .3; t1: delta .5*.7-.6 = -.25,
  // gae -.25 + .25*.3 = -.175; t0: delta .5*.6-.5 = -.2, gae -.2 + .25*-.175 = -.24375.
  // Returns = gae + values = .25625, .425, 1.
  // Row 1 (pad at t2 with value 9): the pad is skipped; t1: delta 1 - .4 = .6;
  // t0: delta .5*.4 - .2 = 0, gae 0 + .25*.6 = .15. Returns .35, 1.
  AdvantageInputs in;
  in.mask = t2({{1, 1, 1}, {1, 1, 0}});
  in.token_rewards = t2({{0, 0, 1}, {0, 1, 0}});
  in.values = t2({{0.5, 0.6, 0.7}, {0.2, 0.4, 9}});
  in.group = {0, 1};
  AdvantageOptions opt;
  opt.gamma = opt.lambda = 0.5;
  AdvantageResult r = gae_advantages(in, opt);
  expect_near(r.returns.slice(1, 0, 2), {{0.25625, 0.425}, {0.35, 1.0}});
  EXPECT_NEAR(r.returns[0][2].item<double>(), 1.0, 1e-9);
  EXPECT_EQ(r.advantages[1][2].item<double>(), 0.0);
}

// Group of 4 with one right answer, k = 2 (arithmetic): C(3,2)/C(4,2) = 1/2 of
// the pairs are all wrong, R = 1/2, sigma = 1/2; right row (1 - R)/sigma = 1;
// a wrong row's pairs are all wrong with chance C(2,1)/C(3,1) = 2/3, so
// (1/2 - 2/3) / (1/2) = -1/3.
TEST(PassAtK, AnalyticalAdvantageByHand) {
  torch::Tensor mask = torch::ones({4, 2});
  AdvantageInputs in = outcome({1, 0, 0, 0}, mask, {0, 0, 0, 0});
  in.correct = {true, false, false, false};
  AdvantageResult r = pass_at_k_advantages(in, {.pass_k = 2});
  expect_near(r.advantages, {{1, 1}, {-1.0 / 3, -1.0 / 3}, {-1.0 / 3, -1.0 / 3}, {-1.0 / 3, -1.0 / 3}});
}

// The analytical form against the definition: over every k-subset of the
// group, a row's advantage is (mean reward of the subsets holding it - mean
// reward of all subsets) / sigma, a subset's reward being 1 when it holds a
// right answer.
TEST(PassAtK, EqualsTheMeanOverEverySubset) {
  const std::vector<bool> correct = {false, true, false, false, true, false};
  const int64_t n = static_cast<int64_t>(correct.size());
  AdvantageInputs in = outcome(std::vector<double>(correct.begin(), correct.end()), torch::ones({n, 1}),
                               std::vector<int64_t>(n, 7));
  in.correct = correct;
  for (int64_t k = 1; k <= n; ++k) {
    double total = 0, subsets = 0;
    std::vector<double> holding(n, 0.0), holding_count(n, 0.0);
    for (uint32_t bits = 0; bits < (1u << n); ++bits) {
      if (__builtin_popcount(bits) != k) continue;
      bool any_right = false;
      for (int64_t i = 0; i < n; ++i) any_right |= (bits >> i & 1) && correct[i];
      total += any_right;
      subsets += 1;
      for (int64_t i = 0; i < n; ++i)
        if (bits >> i & 1) {
          holding[i] += any_right;
          holding_count[i] += 1;
        }
    }
    const double mean = total / subsets, sigma = std::sqrt(mean * (1 - mean));
    AdvantageResult r = pass_at_k_advantages(in, {.pass_k = k});
    for (int64_t i = 0; i < n; ++i) {
      double want = sigma > 0 ? (holding[i] / holding_count[i] - mean) / sigma : 0.0;
      EXPECT_NEAR(r.advantages[i][0].item<double>(), want, 1e-6) << "k " << k << " row " << i;
    }
  }
}

// k = 1 is GRPO with the population std; a group where every k-draw holds a
// right answer has no signal; k above the group size is refused.
TEST(PassAtK, KOneIsGrpoAndLimits) {
  torch::Tensor mask = torch::ones({4, 1});
  AdvantageInputs in = outcome({1, 0, 0, 0}, mask, {0, 0, 0, 0});
  in.correct = {true, false, false, false};
  const double p = 0.25, sigma = std::sqrt(p * (1 - p));
  expect_near(pass_at_k_advantages(in, {.pass_k = 1}).advantages,
              {{(1 - p) / sigma}, {-p / sigma}, {-p / sigma}, {-p / sigma}});
  in.correct = {true, true, true, false};
  expect_near(pass_at_k_advantages(in, {.pass_k = 2}).advantages, {{0}, {0}, {0}, {0}});
  EXPECT_THROW(pass_at_k_advantages(in, {.pass_k = 5}), rlvr::Error);
  in.correct = {true};
  EXPECT_THROW(pass_at_k_advantages(in, {.pass_k = 1}), rlvr::Error);  // a verdict per row
}

TEST(Registry, FindsEveryEstimatorAndSaysWhatItNeeds) {
  EXPECT_TRUE(advantage_estimator("gae").needs_values);
  EXPECT_FALSE(advantage_estimator("grpo").needs_values);
  EXPECT_TRUE(advantage_estimator("remax").needs_greedy_baseline);
  EXPECT_FALSE(advantage_estimator("rloo").needs_greedy_baseline);
  EXPECT_EQ(advantage_estimators().size(), 7u);
  EXPECT_THROW(advantage_estimator("ppo2"), rlvr::Error);
}

TEST(Registry, RejectsMismatchedShapes) {
  AdvantageInputs in;
  in.mask = torch::ones({2, 3});
  in.token_rewards = torch::ones({2, 3});
  in.group = {0};
  EXPECT_THROW(grpo_advantages(in, {}), rlvr::Error);
  in.group = {0, 0};
  EXPECT_THROW(gae_advantages(in, {}), rlvr::Error);   // no values
  EXPECT_THROW(remax_advantages(in, {}), rlvr::Error); // no baseline
}
