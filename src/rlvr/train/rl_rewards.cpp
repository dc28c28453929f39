#include "rlvr/train/rl_rewards.h"

#include <algorithm>

#include "rlvr/util/error.h"

namespace rlvr::train {

double overlong_penalty(int64_t length, int64_t max_len, int64_t buffer, double factor) {
  if (buffer <= 0) throw Error("overlong shaping needs a positive buffer");
  double exceed = static_cast<double>(length - (max_len - buffer));
  return std::min(0.0, -exceed / static_cast<double>(buffer) * factor);
}

at::Tensor token_level_scores(const std::vector<double>& scores, const at::Tensor& mask) {
  if (mask.dim() != 2 || mask.size(0) != static_cast<int64_t>(scores.size()))
    throw Error("token_level_scores: mask must be [B, T] with one score per row");
  at::Tensor m = mask.to(at::kDouble).contiguous();
  at::Tensor out = at::zeros_like(m);
  int64_t B = m.size(0), T = m.size(1);
  const double* mp = m.data_ptr<double>();
  double* op = out.data_ptr<double>();
  for (int64_t i = 0; i < B; ++i) {
    for (int64_t t = T - 1; t >= 0; --t) {
      if (mp[i * T + t] > 0) {
        op[i * T + t] = scores[i];
        break;
      }
    }
  }
  return out.to(mask.scalar_type());
}

at::Tensor apply_kl_in_reward(const at::Tensor& token_scores, const at::Tensor& old_logp,
                              const at::Tensor& ref_logp, const at::Tensor& mask,
                              KlEstimator estimator, double beta) {
  return token_scores - beta * kl_estimate(old_logp, ref_logp, estimator) * mask;
}

}  // namespace rlvr::train
