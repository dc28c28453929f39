// The fused attention computes what matmul + softmax + matmul compute, forward
// and backward (gradients of a random weighting of the output, so that every
// output element matters), for the masks the model uses: causal, causal after
// a cache's earlier positions, and explicit biases per row or shared.
#include <gtest/gtest.h>

#include <limits>

#include <torch/torch.h>

#include "rlvr/model/fused_attention.h"

namespace rlvr::model {
namespace {

constexpr float kHidden = -std::numeric_limits<float>::infinity();

double max_diff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

struct Grads {
  torch::Tensor out, dq, dk, dv;
};

// q [B, H, T, Dh]; k and v [B, H, S, Dh], k given as a transposed view (as it
// comes out of the cache's [B, H, Dh, S] layout).
Grads run(bool fused, int64_t B, int64_t H, int64_t T, int64_t S, int64_t Dh, const torch::Tensor& bias,
          uint64_t seed) {
  torch::manual_seed(seed);
  torch::Tensor q = torch::randn({B, H, T, Dh}).requires_grad_(true);
  torch::Tensor kt = torch::randn({B, H, Dh, S}).requires_grad_(true);
  torch::Tensor v = torch::randn({B, H, S, Dh}).requires_grad_(true);
  torch::Tensor k = kt.transpose(-2, -1);
  const double scale = 1.0 / std::sqrt(static_cast<double>(Dh));
  torch::Tensor out = fused ? fused_attention(q, k, v, bias, scale) : attention(q, k, v, bias, scale);
  (out * torch::randn(out.sizes())).sum().backward();
  return {out.detach(), q.grad(), kt.grad().transpose(-2, -1), v.grad()};
}

void expect_same(int64_t B, int64_t H, int64_t T, int64_t S, int64_t Dh, const torch::Tensor& bias) {
  Grads f = run(true, B, H, T, S, Dh, bias, 11);
  Grads r = run(false, B, H, T, S, Dh, bias, 11);
  ASSERT_EQ(f.out.sizes(), r.out.sizes());
  EXPECT_LT(max_diff(f.out, r.out), 1e-5);
  EXPECT_LT(max_diff(f.dq, r.dq), 1e-5);
  EXPECT_LT(max_diff(f.dk, r.dk), 1e-5);
  EXPECT_LT(max_diff(f.dv, r.dv), 1e-5);
}

TEST(FusedAttention, CausalMatchesTheComposedOperatorsWithGradients) {
  expect_same(3, 2, 21, 21, 8, {});   // head size below one register block
  expect_same(2, 4, 37, 37, 32, {});  // two whole blocks
}

TEST(FusedAttention, CausalAfterCachedPositionsSeesThemAll) {
  expect_same(2, 2, 5, 37, 24, {});
  expect_same(1, 1, 1, 9, 16, {});
}

TEST(FusedAttention, PerRowBiasMatches) {
  // Left padding of different lengths, and two documents packed in one row.
  const int64_t B = 3, T = 19, S = 19;
  torch::Tensor bias = torch::full({B, 1, T, S}, kHidden);
  for (int64_t t = 0; t < T; ++t) {
    for (int64_t s = 3; s <= t; ++s) bias[0][0][t][s] = 0;            // three pads, then causal
    for (int64_t s = (t < 8 ? 0 : 8); s <= t; ++s) bias[1][0][t][s] = 0;  // documents [0, 8), [8, 19)
    for (int64_t s = 0; s <= t; s += 2) bias[2][0][t][s] = 0;          // masked keys inside the range
  }
  for (int64_t t = 0; t < 3; ++t) bias[0][0][t][t] = 0;  // pads see themselves, as in prefill
  expect_same(B, 2, T, S, 8, bias);
}

TEST(FusedAttention, SharedBiasMatches) {
  const int64_t T = 6, S = 14;
  torch::Tensor bias = torch::full({T, S}, kHidden);
  for (int64_t t = 0; t < T; ++t) {
    for (int64_t s = 0; s < 5; ++s) bias[t][s] = 0;           // a prompt
    for (int64_t s = 8; s <= 8 + t; ++s) bias[t][s] = 0;      // the row's own tokens after a gap
  }
  expect_same(2, 3, T, S, 32, bias);
  expect_same(2, 3, T, S, 32, bias.view({1, 1, T, S}));
}

TEST(FusedAttention, AQueryThatSeesNoKeyGetsZeros) {
  const int64_t T = 3, S = 3;
  torch::Tensor bias = torch::zeros({T, S});
  bias[1].fill_(kHidden);
  torch::Tensor q = torch::randn({1, 1, T, 8}), k = torch::randn({1, 1, S, 8}), v = torch::randn({1, 1, S, 8});
  torch::Tensor out = fused_attention(q, k, v, bias, 0.5);
  EXPECT_EQ(out[0][0][1].abs().max().item<float>(), 0.0f);
  EXPECT_GT(out[0][0][0].abs().max().item<float>(), 0.0f);
}

}  // namespace
}  // namespace rlvr::model
