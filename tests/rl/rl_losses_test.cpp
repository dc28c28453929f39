// Losses, KL estimators, reward shaping and dynamic sampling against values
// computed by hand, plus a finite-difference check of the surrogate's gradient.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "rlvr/train/rl_dynamic_sampling.h"
#include "rlvr/train/rl_losses.h"
#include "rlvr/train/rl_rewards.h"
#include "rlvr/util/error.h"

using namespace rlvr::train;

namespace {

torch::Tensor row(std::vector<double> v) {
  return torch::tensor(v, torch::kDouble).unsqueeze(0);
}

}  // namespace

TEST(Aggregation, FourModes) {
  // Losses 1 2 3 / 4 5 6 with the last token of row 0 masked.
  torch::Tensor loss = torch::tensor(std::vector<double>{1.0, 2, 3, 4, 5, 6}, torch::kDouble).view({2, 3});
  torch::Tensor mask = torch::tensor(std::vector<double>{1.0, 1, 0, 1, 1, 1}, torch::kDouble).view({2, 3});
  // token-mean: (1+2+4+5+6)/5 = 3.6
  EXPECT_NEAR(aggregate_loss(loss, mask, LossAggregation::kTokenMean, 0).item<double>(), 3.6, 1e-12);
  // seq-mean-token-sum: (3 + 15)/2 = 9
  EXPECT_NEAR(aggregate_loss(loss, mask, LossAggregation::kSeqMeanTokenSum, 0).item<double>(), 9, 1e-12);
  // seq-mean-token-mean: (1.5 + 5)/2 = 3.25
  EXPECT_NEAR(aggregate_loss(loss, mask, LossAggregation::kSeqMeanTokenMean, 0).item<double>(), 3.25,
              1e-12);
  // seq-mean-token-sum-norm with constant 10: 18 / 10 = 1.8 (verl: sum of row sums / constant)
  EXPECT_NEAR(aggregate_loss(loss, mask, LossAggregation::kSeqMeanTokenSumNorm, 10).item<double>(), 1.8,
              1e-12);
  EXPECT_THROW(aggregate_loss(loss, mask, LossAggregation::kSeqMeanTokenSumNorm, 0), rlvr::Error);
  EXPECT_EQ(parse_loss_aggregation("seq-mean-token-mean"), LossAggregation::kSeqMeanTokenMean);
  EXPECT_THROW(parse_loss_aggregation("token-sum"), rlvr::Error);
}

TEST(Aggregation, TokenMeanAndSeqMeanWeightLongRowsDifferently) {
  // One long row (4 tokens, loss 1 each) and one short (1 token, loss 5):
  // token-mean = 9/5 = 1.8, seq-mean-token-mean = (1 + 5)/2 = 3.
  torch::Tensor loss = torch::tensor(std::vector<double>{1.0, 1, 1, 1, 5, 0, 0, 0}, torch::kDouble).view({2, 4});
  torch::Tensor mask = torch::tensor(std::vector<double>{1.0, 1, 1, 1, 1, 0, 0, 0}, torch::kDouble).view({2, 4});
  EXPECT_NEAR(aggregate_loss(loss, mask, LossAggregation::kTokenMean, 0).item<double>(), 1.8, 1e-12);
  EXPECT_NEAR(aggregate_loss(loss, mask, LossAggregation::kSeqMeanTokenMean, 0).item<double>(), 3, 1e-12);
}

TEST(KlEstimators, HandValuesAndSign) {
  // d = logp - ref = 0.5 and -1.
  torch::Tensor logp = row({0.5, -1.0});
  torch::Tensor ref = row({0.0, 0.0});
  torch::Tensor k1 = kl_estimate(logp, ref, KlEstimator::kK1);
  torch::Tensor k2 = kl_estimate(logp, ref, KlEstimator::kK2);
  torch::Tensor k3 = kl_estimate(logp, ref, KlEstimator::kK3);
  EXPECT_NEAR(k1[0][0].item<double>(), 0.5, 1e-12);
  EXPECT_NEAR(k1[0][1].item<double>(), -1.0, 1e-12);
  EXPECT_NEAR(k2[0][0].item<double>(), 0.125, 1e-12);
  EXPECT_NEAR(k2[0][1].item<double>(), 0.5, 1e-12);
  // k3 = exp(-d) + d - 1: exp(-0.5) - 0.5 = 0.1065306597; e - 2 = 0.7182818285
  EXPECT_NEAR(k3[0][0].item<double>(), 0.1065306597, 1e-9);
  EXPECT_NEAR(k3[0][1].item<double>(), 0.7182818285, 1e-9);
}

TEST(KlEstimators, K3IsClampedAndNonNegative) {
  torch::Tensor logp = row({-30.0, 30.0, 0.0});
  torch::Tensor ref = row({0.0, 0.0, 0.0});
  torch::Tensor k3 = kl_estimate(logp, ref, KlEstimator::kK3);
  EXPECT_DOUBLE_EQ(k3[0][0].item<double>(), 10.0);  // exp(20) - 21 clamped
  EXPECT_DOUBLE_EQ(k3[0][1].item<double>(), 10.0);  // exp(-20) + 19 clamped
  EXPECT_DOUBLE_EQ(k3[0][2].item<double>(), 0.0);
  torch::Tensor d = torch::linspace(-5, 5, 101, torch::kDouble).unsqueeze(0);
  EXPECT_GE(kl_estimate(d, torch::zeros_like(d), KlEstimator::kK3).min().item<double>(), 0.0);
}

TEST(KlInReward, PenalisesTokensMoreLikelyThanUnderTheReference) {
  // Score 1 on the last token; old logp above ref by 0.5 on each token; beta 0.1, k1:
  // rewards -0.05, -0.05, 0.95; the pad gets no penalty.
  torch::Tensor mask = torch::tensor(std::vector<double>{1.0, 1, 1, 0}, torch::kDouble).unsqueeze(0);
  torch::Tensor scores = token_level_scores({1.0}, mask);
  torch::Tensor old_logp = torch::full({1, 4}, -1.0, torch::kDouble);
  torch::Tensor ref = torch::full({1, 4}, -1.5, torch::kDouble);
  torch::Tensor r = apply_kl_in_reward(scores, old_logp, ref, mask, KlEstimator::kK1, 0.1);
  EXPECT_NEAR(r[0][0].item<double>(), -0.05, 1e-12);
  EXPECT_NEAR(r[0][2].item<double>(), 0.95, 1e-12);
  EXPECT_DOUBLE_EQ(r[0][3].item<double>(), 0.0);
}

TEST(ClippedSurrogate, ClipAndDualClipByHand) {
  // clip_low 0.2, clip_high 0.28. Six tokens (A, ratio): (1, 1.5) clipped -> -1.28; (1, 0.5) -> -0.5 (pessimistic side);
  // (-1, 1.5) -> 1.5; (-1, 5) -> max(5, 1.2) = 5 capped by dual clip at 3;
  // (-1, 0.5) -> max(0.5, 0.8) = 0.8 clipped; (1, 1.25) with clip_high 0.28 -> -1.25 unclipped.
  std::vector<double> A = {1, 1, -1, -1, -1, 1};
  std::vector<double> ratio = {1.5, 0.5, 1.5, 5, 0.5, 1.25};
  torch::Tensor adv = row(A);
  torch::Tensor logp = torch::log(row(ratio));
  torch::Tensor old = torch::zeros_like(logp);
  torch::Tensor mask = torch::ones_like(logp);
  ClipOptions clip{0.2, 0.28, 3.0};
  PolicyLoss p = clipped_policy_loss(logp, old, adv, mask, clip, LossAggregation::kTokenMean, 0);
  std::vector<double> want = {-1.28, -0.5, 1.5, 3.0, 0.8, -1.25};
  for (int t = 0; t < 6; ++t) EXPECT_NEAR(p.token_losses[0][t].item<double>(), want[t], 1e-12) << t;
  double mean = (-1.28 - 0.5 + 1.5 + 3.0 + 0.8 - 1.25) / 6;
  EXPECT_NEAR(p.loss.item<double>(), mean, 1e-12);
  // Clipped term strictly larger at tokens 0 and 4: 2/6. Dual clip at token 3: 1/6.
  EXPECT_NEAR(p.clip_fraction, 2.0 / 6, 1e-12);
  EXPECT_NEAR(p.dual_clip_fraction, 1.0 / 6, 1e-12);
  // approx_kl = mean(old - logp) = -mean(log ratio).
  double kl = 0;
  for (double r : ratio) kl -= std::log(r);
  EXPECT_NEAR(p.approx_kl, kl / 6, 1e-12);
  // Symmetric clip 0.2: tokens 0 and 5 are clipped at -1.2.
  PolicyLoss sym = clipped_policy_loss(logp, old, adv, mask, {0.2, 0.2, 3.0},
                                       LossAggregation::kTokenMean, 0);
  EXPECT_NEAR(sym.token_losses[0][0].item<double>(), -1.2, 1e-12);
  EXPECT_NEAR(sym.token_losses[0][5].item<double>(), -1.2, 1e-12);
  EXPECT_THROW(clipped_policy_loss(logp, old, adv, mask, {0.2, 0.2, 1.0}, LossAggregation::kTokenMean, 0),
               rlvr::Error);
}

TEST(ClippedSurrogate, MaskedTokensDoNotCount) {
  torch::Tensor adv = row({1, 1});
  torch::Tensor logp = torch::log(row({1.0, 100.0}));
  torch::Tensor mask = row({1, 0});
  PolicyLoss p = clipped_policy_loss(logp, torch::zeros_like(logp), adv, mask, {},
                                     LossAggregation::kTokenMean, 0);
  EXPECT_NEAR(p.loss.item<double>(), -1.0, 1e-12);
  EXPECT_DOUBLE_EQ(p.clip_fraction, 0.0);
}

TEST(ValueLoss, ClippedByHand) {
  // Token 0: V 1, V_old .5, R 2, clip .2 -> clipped V .7: errors 1 and 1.69 -> 1.69.
  // Token 1: V 1, V_old .9, R 0 -> clipped V 1: errors 1 and 1 -> 1.
  // 0.5 * mean(1.69, 1) = 0.6725; clip fraction 1/2.
  ValueLoss v = clipped_value_loss(row({1, 1}), row({0.5, 0.9}), row({2, 0}), row({1, 1}), 0.2,
                                   LossAggregation::kTokenMean, 0);
  EXPECT_NEAR(v.loss.item<double>(), 0.6725, 1e-12);
  EXPECT_DOUBLE_EQ(v.clip_fraction, 0.5);
}

TEST(Entropy, UniformAndOneHot) {
  torch::Tensor logits = torch::zeros({1, 4}, torch::kDouble);
  EXPECT_NEAR(entropy_from_logits(logits)[0].item<double>(), std::log(4.0), 1e-12);
  torch::Tensor peaked = torch::tensor(std::vector<double>{0.0, -1000, -1000}, torch::kDouble);
  EXPECT_NEAR(entropy_from_logits(peaked).item<double>(), 0.0, 1e-12);
}

TEST(Overlong, PenaltyRampsOverTheBuffer) {
  // L_max 20, buffer 4: no penalty up to 16, then -(L-16)/4.
  EXPECT_DOUBLE_EQ(overlong_penalty(10, 20, 4, 1.0), 0.0);
  EXPECT_DOUBLE_EQ(overlong_penalty(16, 20, 4, 1.0), 0.0);
  EXPECT_DOUBLE_EQ(overlong_penalty(17, 20, 4, 1.0), -0.25);
  EXPECT_DOUBLE_EQ(overlong_penalty(20, 20, 4, 1.0), -1.0);
  EXPECT_DOUBLE_EQ(overlong_penalty(18, 20, 4, 2.0), -1.0);
  EXPECT_THROW(overlong_penalty(1, 20, 0, 1.0), rlvr::Error);
}

TEST(TokenLevelScores, ScoreOnLastValidToken) {
  torch::Tensor mask = torch::tensor(std::vector<double>{1.0, 1, 0, 1, 1, 1, 0, 0, 0}, torch::kDouble).view({3, 3});
  torch::Tensor s = token_level_scores({1, 2, 3}, mask);
  torch::Tensor want = torch::tensor(std::vector<double>{0.0, 1, 0, 0, 0, 2, 0, 0, 0}, torch::kDouble).view({3, 3});
  EXPECT_TRUE(torch::equal(s, want));
}

TEST(DynamicSampling, DropsAllEqualGroupsAndCutsToTarget) {
  std::vector<std::vector<double>> round = {{1, 1}, {0, 1}, {0, 0}, {1}, {1, 0}};
  EXPECT_FALSE(group_is_informative({1, 1}));
  EXPECT_TRUE(group_is_informative({1}));
  GroupSelection full = select_groups(round, 0, 2, 1, 10);
  EXPECT_EQ(full.keep, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(full.decision, SamplingDecision::kFull);
  GroupSelection more = select_groups(round, 0, 5, 1, 10);
  EXPECT_EQ(more.keep, (std::vector<int64_t>{1, 3, 4}));
  EXPECT_EQ(more.decision, SamplingDecision::kSampleMore);
  // Second round with 3 kept already: one more fills the batch of 4.
  GroupSelection second = select_groups(round, 3, 4, 2, 10);
  EXPECT_EQ(second.keep, (std::vector<int64_t>{1}));
  EXPECT_EQ(second.decision, SamplingDecision::kFull);
  // Last allowed round and still short: give up and train on what was kept.
  GroupSelection cap = select_groups({{0, 0}, {1, 1}}, 1, 4, 10, 10);
  EXPECT_TRUE(cap.keep.empty());
  EXPECT_EQ(cap.decision, SamplingDecision::kGiveUp);
}

// Gradient of the full policy objective (surrogate + k3 KL loss - entropy
// bonus) of a tiny linear softmax policy against central finite differences.
TEST(GradientCheck, SurrogateMatchesFiniteDifferencesOnLinearPolicy) {
  torch::manual_seed(3);
  const int64_t B = 3, T = 4, F = 5, V = 6;
  torch::Tensor x = torch::randn({B, T, F}, torch::kDouble);
  torch::Tensor actions = torch::randint(0, V, {B, T}, torch::kLong);
  torch::Tensor mask = torch::tensor(std::vector<double>{1.0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0}, torch::kDouble).view({B, T});
  torch::Tensor adv = torch::tensor(std::vector<double>{1.0, -0.5, 2.0}, torch::kDouble).unsqueeze(1).expand({B, T}).clone();
  torch::Tensor W0 = 0.3 * torch::randn({F, V}, torch::kDouble);
  auto logp_of = [&](const torch::Tensor& W) {
    torch::Tensor logits = torch::matmul(x, W);
    return std::make_pair(logits.log_softmax(-1).gather(-1, actions.unsqueeze(-1)).squeeze(-1), logits);
  };
  torch::Tensor old_logp, ref_logp;
  {
    torch::NoGradGuard g;
    // Old policy slightly off the current one so ratios differ from 1 (some clipped).
    old_logp = logp_of(W0 + 0.2 * torch::randn({F, V}, torch::kDouble)).first;
    ref_logp = logp_of(W0 + 0.1 * torch::randn({F, V}, torch::kDouble)).first;
  }
  auto objective = [&](const torch::Tensor& W) {
    auto [logp, logits] = logp_of(W);
    PolicyLoss p = clipped_policy_loss(logp, old_logp, adv, mask, {0.2, 0.28, 3.0},
                                       LossAggregation::kSeqMeanTokenMean, 0);
    torch::Tensor kl = aggregate_loss(kl_estimate(logp, ref_logp, KlEstimator::kK3), mask,
                                      LossAggregation::kSeqMeanTokenMean, 0);
    torch::Tensor ent = aggregate_loss(entropy_from_logits(logits), mask,
                                       LossAggregation::kSeqMeanTokenMean, 0);
    return p.loss + 0.1 * kl - 0.01 * ent;
  };
  torch::Tensor W = W0.clone().requires_grad_(true);
  objective(W).backward();
  torch::Tensor grad = W.grad();
  const double h = 1e-6;
  double worst = 0;
  for (int64_t i = 0; i < F; ++i) {
    for (int64_t j = 0; j < V; ++j) {
      torch::NoGradGuard g;
      torch::Tensor Wp = W0.clone(), Wm = W0.clone();
      Wp[i][j] += h;
      Wm[i][j] -= h;
      double fd = (objective(Wp).item<double>() - objective(Wm).item<double>()) / (2 * h);
      worst = std::max(worst, std::abs(fd - grad[i][j].item<double>()));
    }
  }
  EXPECT_LT(worst, 1e-6);
  EXPECT_GT(grad.abs().max().item<double>(), 1e-3);  // the check is not vacuous
}
