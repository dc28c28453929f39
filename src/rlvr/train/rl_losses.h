// The policy-gradient losses shared by all algorithms, as verl computes them:
// the clipped surrogate with dual clip, four ways to aggregate token losses
// into one number, the KL estimators, the entropy bonus and PPO's clipped
// value loss. Pure functions of tensors; gradients flow through the current
// log-probs (and values) only.
#pragma once

#include <ATen/core/Tensor.h>

#include "rlvr/train/rl_config.h"  // LossAggregation, KlEstimator

namespace rlvr::train {

// Aggregates a [B, T] loss over the masked tokens. `norm_length` is the
// constant divisor of kSeqMeanTokenSumNorm (verl uses the padded length T;
// pass the configured maximum response length to keep it constant).
at::Tensor aggregate_loss(const at::Tensor& loss, const at::Tensor& mask, LossAggregation mode,
                          double norm_length);

// Per-token KL estimate with d = logp - logp_ref (verl kl_penalty):
// k1 = d, k2 = d^2 / 2, k3 = exp(-d) + d - 1 with -d clamped to [-20, 20]
// and the result clamped to [-10, 10].
at::Tensor kl_estimate(const at::Tensor& logp, const at::Tensor& ref_logp, KlEstimator estimator);

struct ClipOptions {
  double clip_low = 0.2;
  double clip_high = 0.2;
  double dual_clip_c = 3.0;
};

struct PolicyLoss {
  at::Tensor loss;          // scalar, differentiable through logp
  at::Tensor token_losses;  // [B, T] per-token loss before aggregation
  double clip_fraction;     // share of tokens where the clipped term was active
  double dual_clip_fraction;  // share of tokens (A < 0) capped by the dual clip
  double approx_kl;         // mean of logp_old - logp over tokens (verl ppo_kl)
};

// r_t = exp(logp - logp_old) (log-ratio clamped to [-20, 20]);
// loss_t = max(-A r_t, -A clip(r_t, 1 - clip_low, 1 + clip_high)); for A < 0
// loss_t = min(loss_t, -c A). Aggregated with `mode`.
PolicyLoss clipped_policy_loss(const at::Tensor& logp, const at::Tensor& old_logp,
                               const at::Tensor& advantages, const at::Tensor& mask,
                               const ClipOptions& clip, LossAggregation mode, double norm_length);

struct ValueLoss {
  at::Tensor loss;       // scalar
  double clip_fraction;  // share of tokens where the clipped error was larger
};

// 0.5 * agg(max((V - R)^2, (clip(V, V_old - c, V_old + c) - R)^2)).
ValueLoss clipped_value_loss(const at::Tensor& values, const at::Tensor& old_values,
                             const at::Tensor& returns, const at::Tensor& mask, double clip,
                             LossAggregation mode, double norm_length);

// Entropy of the categorical distribution of each position: [.., V] -> [..].
at::Tensor entropy_from_logits(const at::Tensor& logits);

}  // namespace rlvr::train
