// Reductions over the response tokens only: every RL statistic is taken over
// the positions where the mask is 1 (a response of length L in a row padded
// to T has L ones, then zeros).
#pragma once

#include <ATen/core/Tensor.h>

namespace rlvr::train {

// sum(x * mask) / sum(mask); 0 when the mask is empty.
at::Tensor masked_mean(const at::Tensor& x, const at::Tensor& mask);

// Variance over the masked entries, with Bessel's correction when `unbiased`
// (as verl's masked_var). With a single entry the variance is 0.
at::Tensor masked_var(const at::Tensor& x, const at::Tensor& mask, bool unbiased = true);

// (x - mean) / sqrt(var + 1e-8) over the masked entries (verl masked_whiten),
// then multiplied by the mask so padding holds 0.
at::Tensor masked_whiten(const at::Tensor& x, const at::Tensor& mask);

}  // namespace rlvr::train
