#include "rlvr/train/rl_masked.h"

namespace rlvr::train {

at::Tensor masked_mean(const at::Tensor& x, const at::Tensor& mask) {
  at::Tensor m = mask.to(x.scalar_type());
  return (x * m).sum() / m.sum().clamp_min(1.0);
}

at::Tensor masked_var(const at::Tensor& x, const at::Tensor& mask, bool unbiased) {
  at::Tensor m = mask.to(x.scalar_type());
  at::Tensor mean = masked_mean(x, m);
  at::Tensor var = masked_mean((x - mean).square(), m);
  if (unbiased) {
    at::Tensor n = m.sum();
    // Bessel's correction n / (n - 1); with one entry the variance stays 0.
    var = at::where(n > 1, var * n / (n - 1).clamp_min(1.0), var);
  }
  return var;
}

at::Tensor masked_whiten(const at::Tensor& x, const at::Tensor& mask) {
  at::Tensor m = mask.to(x.scalar_type());
  at::Tensor mean = masked_mean(x, m);
  at::Tensor var = masked_var(x, m, /*unbiased=*/true);
  return (x - mean) * at::rsqrt(var + 1e-8) * m;
}

}  // namespace rlvr::train
