// Softmax attention of many short sequences, one pass per head each way with
// a hand-written backward. Composed from libtorch operators, attention is two
// batched matrix products around a softmax forward and four products back,
// and libtorch's CPU batched product dispatches a small product per head
// (about a quarter of an RL step went there). Here each head is a few
// register-blocked loops that also skip the keys a query may not see. It
// computes what attention() computes (tests/model/fused_attention_test.cpp
// checks values and gradients).
#pragma once

#include <torch/torch.h>

namespace rlvr::model {

// softmax(q k^T * scale + bias) v for q [B, H, T, Dh], k and v [B, H, S, Dh].
// bias: additive [B, 1, T, S] or [T, S] (0 = may attend, -inf = may not), or
// undefined for causal attention in which query t sees keys 0 .. S - T + t
// (a cache's S - T earlier positions and the new ones up to its own). A query
// that may see no key gets zeros.
torch::Tensor fused_attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                              const torch::Tensor& bias, double scale);

// The same composed from libtorch operators (matmul, softmax): the reference
// the fused version is tested against.
torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& bias, double scale);

}  // namespace rlvr::model
