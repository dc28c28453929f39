// The transformer's element-wise blocks as single passes with a hand-written
// backward. Composed from libtorch operators (transformer.h), each block is
// several passes over the activations forward and more backward (narrow and
// cat alone allocate and copy whole tensors); fused, each is one pass each
// way. They compute what rms_norm, apply_rotary and swiglu compute
// (tests/model/fused_blocks_test.cpp checks values and gradients).
#pragma once

#include <array>

#include <torch/torch.h>

namespace rlvr::model {

// rms_norm(x, weight, eps) over the last dimension.
torch::Tensor fused_rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

// swiglu(gate_up): silu of the first half of the last dimension times the second.
torch::Tensor fused_swiglu(const torch::Tensor& gate_up);

// The attention inputs from the fused projection qkv [B, T, 3 D]: q and k
// rotated (apply_rotary) and v, each [B, H, T, Dh], contiguous. cos, sin:
// [B, T, Dh / 2] at each token's position.
std::array<torch::Tensor, 3> split_heads_with_rotary(const torch::Tensor& qkv, const torch::Tensor& cos,
                                                     const torch::Tensor& sin, int64_t heads);

}  // namespace rlvr::model
