// From verifier outcomes to the token-level rewards the advantage estimators
// read: the score sits on each response's last token (as in verl), DAPO's
// overlong shaping adjusts the score, and a per-token KL penalty may be
// subtracted (KL "in the reward").
#pragma once

#include <cstdint>
#include <vector>

#include <ATen/core/Tensor.h>

#include "rlvr/train/rl_losses.h"

namespace rlvr::train {

// DAPO overlong shaping: min(0, -(L - (L_max - B)) / B * factor). Zero up to
// L_max - B tokens, falling linearly to -factor at L_max (and below beyond).
double overlong_penalty(int64_t length, int64_t max_len, int64_t buffer, double factor);

// [B, T] tensor holding scores[i] at the last masked position of row i and 0
// elsewhere. A row without response tokens carries no score.
at::Tensor token_level_scores(const std::vector<double>& scores, const at::Tensor& mask);

// verl apply_kl_penalty: token_scores - beta * KL_t(old_logp, ref_logp) * mask.
at::Tensor apply_kl_in_reward(const at::Tensor& token_scores, const at::Tensor& old_logp,
                              const at::Tensor& ref_logp, const at::Tensor& mask,
                              KlEstimator estimator, double beta);

}  // namespace rlvr::train
