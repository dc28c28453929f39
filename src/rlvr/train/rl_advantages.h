// Advantage estimators as pure functions in one registry, name -> function,
// each computing what verl's core_algos computes for the same name. The
// trainer looks an estimator up by the config's advantage.estimator and asks
// it what it needs (a value head, a greedy baseline rollout): it has no
// per-algorithm branches.
//
// Shapes: B responses (rows), T response positions; mask is 1 on a row's
// response tokens. token_rewards holds the outcome score on each row's last
// valid token minus any per-token KL penalty (rl_rewards.h); the outcome
// estimators use its row sum as the score s_i, as verl does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <ATen/core/Tensor.h>

namespace rlvr::train {

struct AdvantageInputs {
  at::Tensor token_rewards;          // [B, T] float
  at::Tensor mask;                   // [B, T] float, 1 on response tokens
  std::vector<int64_t> group;        // [B] prompt id of each row (rows of one prompt form a group)
  at::Tensor values;                 // [B, T] value-head predictions (needs_values only)
  at::Tensor baseline_scores;        // [B] greedy-response score of the row's prompt (needs_greedy_baseline)
  std::vector<bool> correct;         // [B] the verifier's verdict of each row (pass@k training)
};

struct AdvantageOptions {
  double gamma = 1.0;
  double lambda = 1.0;
  double eps = 1e-6;
  bool norm_by_std = true;
  int64_t pass_k = 1;  // k of pass@k training
};

struct AdvantageResult {
  at::Tensor advantages;  // [B, T], 0 on padding
  at::Tensor returns;     // [B, T], value-loss targets (GAE); else what verl returns
};

using AdvantageFn = AdvantageResult (*)(const AdvantageInputs&, const AdvantageOptions&);

struct AdvantageEstimator {
  std::string name;
  AdvantageFn compute;
  bool needs_values;           // PPO's value head must be run and trained
  bool needs_greedy_baseline;  // one extra greedy rollout per prompt (ReMax)
  std::string formula;         // one line for docs and --help
};

// Throws rlvr::Error listing the registered names when `name` is unknown.
const AdvantageEstimator& advantage_estimator(std::string_view name);
const std::vector<AdvantageEstimator>& advantage_estimators();

// The estimators themselves, also callable directly.
// GAE (gamma, lambda) with masked steps skipped; advantages whitened over the
// batch's tokens; returns = advantages (before whitening) + values.
AdvantageResult gae_advantages(const AdvantageInputs& in, const AdvantageOptions& opt);
// (s_i - mean_g) / (std_g + eps), unbiased std; without std when
// !norm_by_std (Dr. GRPO). A group of one has mean 0 and std 1 (verl).
AdvantageResult grpo_advantages(const AdvantageInputs& in, const AdvantageOptions& opt);
// s_i - mean of the other G-1 scores; a group of one keeps s_i (verl).
AdvantageResult rloo_advantages(const AdvantageInputs& in, const AdvantageOptions& opt);
// Return-to-go of token rewards (gamma), whitened over the batch's tokens.
AdvantageResult reinforce_pp_advantages(const AdvantageInputs& in, const AdvantageOptions& opt);
// s_i - mean_g broadcast over tokens, then whitened over the batch's tokens.
AdvantageResult reinforce_pp_baseline_advantages(const AdvantageInputs& in, const AdvantageOptions& opt);
// Return-to-go (gamma = 1) minus the greedy response's score; no whitening.
AdvantageResult remax_advantages(const AdvantageInputs& in, const AdvantageOptions& opt);

// Pass@k training (Chen et al., 2025), in its analytical form: the group's
// reward is the chance that k of its N samples drawn without replacement hold
// a right one, R = 1 - C(N_neg, k) / C(N, k), sigma = sqrt(R (1 - R)); a right
// row gets (1 - R) / sigma, a wrong one (1 - R - C(N_neg - 1, k - 1) /
// C(N - 1, k - 1)) / sigma (0 when sigma is 0). k = 1 is GRPO with the
// population std. Needs k <= N for every group.
AdvantageResult pass_at_k_advantages(const AdvantageInputs& in, const AdvantageOptions& opt);

// Fraction of groups whose advantages are all zero (no learning signal).
double zero_advantage_group_fraction(const at::Tensor& advantages, const at::Tensor& mask,
                                     const std::vector<int64_t>& group);

}  // namespace rlvr::train
