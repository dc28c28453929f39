#include "rlvr/train/rl_losses.h"

#include "rlvr/train/rl_masked.h"
#include "rlvr/util/error.h"

namespace rlvr::train {

at::Tensor aggregate_loss(const at::Tensor& loss, const at::Tensor& mask, LossAggregation mode,
                          double norm_length) {
  at::Tensor m = mask.to(loss.scalar_type());
  switch (mode) {
    case LossAggregation::kTokenMean:
      return masked_mean(loss, m);
    case LossAggregation::kSeqMeanTokenSum:
      return (loss * m).sum(1).mean();
    case LossAggregation::kSeqMeanTokenMean:
      // Rows without tokens contribute 0 (their sum is 0, the divisor is clamped).
      return ((loss * m).sum(1) / m.sum(1).clamp_min(1.0)).mean();
    case LossAggregation::kSeqMeanTokenSumNorm:
      if (norm_length <= 0) throw Error("seq-mean-token-sum-norm needs a positive norm length");
      return (loss * m).sum() / norm_length;
  }
  throw Error("unreachable loss aggregation");
}

at::Tensor kl_estimate(const at::Tensor& logp, const at::Tensor& ref_logp, KlEstimator estimator) {
  at::Tensor d = logp - ref_logp;
  switch (estimator) {
    case KlEstimator::kK1:
      return d;
    case KlEstimator::kK2:
      return 0.5 * d.square();
    case KlEstimator::kK3: {
      // verl low_var_kl: x = ref - logp = -d, ratio = exp(x), kl = ratio - x - 1.
      at::Tensor x = (-d).clamp(-20.0, 20.0);
      return (x.exp() - x - 1.0).clamp(-10.0, 10.0);
    }
  }
  throw Error("unreachable KL estimator");
}

PolicyLoss clipped_policy_loss(const at::Tensor& logp, const at::Tensor& old_logp,
                               const at::Tensor& advantages, const at::Tensor& mask,
                               const ClipOptions& clip, LossAggregation mode, double norm_length) {
  if (clip.dual_clip_c <= 1.0) throw Error("dual clip constant c must be > 1");
  at::Tensor m = mask.to(logp.scalar_type());
  at::Tensor log_ratio = (logp - old_logp).clamp(-20.0, 20.0);
  at::Tensor ratio = log_ratio.exp();
  at::Tensor loss1 = -advantages * ratio;
  at::Tensor loss2 = -advantages * ratio.clamp(1.0 - clip.clip_low, 1.0 + clip.clip_high);
  at::Tensor clipped = at::maximum(loss1, loss2);
  at::Tensor loss3 = -advantages * clip.dual_clip_c;
  at::Tensor dual = at::minimum(loss3, clipped);
  at::Tensor negative = advantages < 0;
  at::Tensor token_losses = at::where(negative, dual, clipped);

  PolicyLoss out;
  out.loss = aggregate_loss(token_losses, m, mode, norm_length);
  out.token_losses = token_losses;
  {
    at::NoGradGuard no_grad;
    out.clip_fraction = masked_mean(loss2.gt(loss1).to(m.scalar_type()), m).item<double>();
    out.dual_clip_fraction =
        masked_mean((clipped.gt(loss3) & negative).to(m.scalar_type()), m).item<double>();
    out.approx_kl = masked_mean(-log_ratio, m).item<double>();
  }
  return out;
}

ValueLoss clipped_value_loss(const at::Tensor& values, const at::Tensor& old_values,
                             const at::Tensor& returns, const at::Tensor& mask, double clip,
                             LossAggregation mode, double norm_length) {
  at::Tensor m = mask.to(values.scalar_type());
  at::Tensor clipped_values = at::max(at::min(values, old_values + clip), old_values - clip);
  at::Tensor err1 = (values - returns).square();
  at::Tensor err2 = (clipped_values - returns).square();
  ValueLoss out;
  out.loss = 0.5 * aggregate_loss(at::maximum(err1, err2), m, mode, norm_length);
  {
    at::NoGradGuard no_grad;
    out.clip_fraction = masked_mean(err2.gt(err1).to(m.scalar_type()), m).item<double>();
  }
  return out;
}

at::Tensor entropy_from_logits(const at::Tensor& logits) {
  at::Tensor logp = logits.log_softmax(-1);
  return -(logp.exp() * logp).sum(-1);
}

}  // namespace rlvr::train
