// The fused element-wise blocks compute what the composed libtorch operators
// compute, forward and backward (gradients of a random weighting of the
// outputs, so that every output element matters).
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "rlvr/model/fused_blocks.h"
#include "rlvr/model/transformer.h"

namespace rlvr::model {
namespace {

double max_diff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

TEST(FusedBlocks, RmsNormMatchesTheComposedOperatorsWithGradients) {
  torch::manual_seed(3);
  // A non-contiguous input (a transposed view), as activations can be.
  torch::Tensor base = torch::randn({6, 3, 40});
  auto run = [&](bool fused) {
    torch::Tensor x = base.clone().transpose(0, 1).requires_grad_(true);
    torch::Tensor w = torch::linspace(0.5, 1.5, 40).requires_grad_(true);
    torch::Tensor y = fused ? fused_rms_norm(x, w, 1e-5) : rms_norm(x, w, 1e-5);
    torch::manual_seed(4);
    (y * torch::randn(y.sizes())).sum().backward();
    return std::make_tuple(y.detach(), x.grad(), w.grad());
  };
  auto [y1, dx1, dw1] = run(true);
  auto [y0, dx0, dw0] = run(false);
  EXPECT_LT(max_diff(y1, y0), 1e-5);
  EXPECT_LT(max_diff(dx1, dx0), 1e-5);
  EXPECT_LT(max_diff(dw1, dw0), 1e-4);
}

TEST(FusedBlocks, SwigluMatchesTheComposedOperatorsWithGradients) {
  torch::manual_seed(5);
  torch::Tensor base = torch::randn({4, 7, 2 * 24}) * 3;
  auto run = [&](bool fused) {
    torch::Tensor gu = base.clone().requires_grad_(true);
    torch::Tensor y = fused ? fused_swiglu(gu) : swiglu(gu);
    torch::manual_seed(6);
    (y * torch::randn(y.sizes())).sum().backward();
    return std::make_pair(y.detach(), gu.grad());
  };
  auto [y1, d1] = run(true);
  auto [y0, d0] = run(false);
  ASSERT_EQ(y1.sizes(), y0.sizes());
  EXPECT_LT(max_diff(y1, y0), 1e-5);
  EXPECT_LT(max_diff(d1, d0), 1e-5);
}

TEST(FusedBlocks, HeadsWithRotaryMatchViewPermuteAndRotaryWithGradients) {
  torch::manual_seed(7);
  const int64_t B = 3, T = 5, H = 2, Dh = 8, D = H * Dh;
  torch::Tensor base = torch::randn({B, T, 3 * D});
  auto [cos_table, sin_table] = rotary_tables(Dh, 32, 10000.0);
  torch::Tensor pos = torch::randint(0, 32, {B, T}, torch::kLong);
  torch::Tensor cos = cos_table.index_select(0, pos.reshape(-1)).view({B, T, Dh / 2});
  torch::Tensor sin = sin_table.index_select(0, pos.reshape(-1)).view({B, T, Dh / 2});
  auto run = [&](bool fused) {
    torch::Tensor qkv = base.clone().requires_grad_(true);
    std::array<torch::Tensor, 3> out;
    if (fused) {
      out = split_heads_with_rotary(qkv, cos, sin, H);
    } else {
      torch::Tensor parts = qkv.view({B, T, 3, H, Dh}).permute({2, 0, 3, 1, 4});
      out = {apply_rotary(parts[0], cos.unsqueeze(1), sin.unsqueeze(1)),
             apply_rotary(parts[1], cos.unsqueeze(1), sin.unsqueeze(1)), parts[2]};
    }
    torch::manual_seed(8);
    torch::Tensor loss = (out[0] * torch::randn(out[0].sizes())).sum() + (out[1] * torch::randn(out[1].sizes())).sum() +
                         (out[2] * torch::randn(out[2].sizes())).sum();
    loss.backward();
    return std::make_pair(out, qkv.grad());
  };
  auto [o1, d1] = run(true);
  auto [o0, d0] = run(false);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(o1[i].sizes(), o0[i].sizes()) << i;
    EXPECT_TRUE(o1[i].is_contiguous());
    EXPECT_LT(max_diff(o1[i].detach(), o0[i].detach()), 1e-5) << i;
  }
  EXPECT_LT(max_diff(d1, d0), 1e-5);
}

}  // namespace
}  // namespace rlvr::model
