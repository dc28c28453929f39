// The decoder-only transformer: token embedding, n_layers pre-norm blocks
// (RMSNorm -> causal self-attention with rotary positions -> residual,
// RMSNorm -> SwiGLU feed-forward -> residual), final RMSNorm, output head.
// Shapes: B batch rows, T new tokens, S attended keys, D d_model, H heads,
// Dh head size, V vocabulary.
#pragma once

#include <torch/torch.h>

#include "rlvr/model/config.h"

namespace rlvr::model {

// x * rsqrt(mean(x^2) + eps) * weight over the last dimension.
torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps);
// Rotates pairs (x[i], x[i + Dh/2]) by angle pos * theta^(-2i/Dh) (the
// "rotate half" layout of Llama/GPT-NeoX). x: [B, H, T, Dh]; cos, sin: [B, 1, T, Dh/2].
torch::Tensor apply_rotary(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin);
// cos and sin of pos * theta^(-2i/head_dim) for pos < max_len, i < head_dim/2,
// computed in double and stored as float: two [max_len, head_dim/2] tensors.
std::pair<torch::Tensor, torch::Tensor> rotary_tables(int head_dim, int max_len, double theta);
// silu(gate) * up, where gate and up are the two halves of the last dimension.
torch::Tensor swiglu(const torch::Tensor& gate_up);

// Keys and values of earlier positions, preallocated per layer so that each
// decoding step writes in place: values [B, H, capacity, Dh], keys transposed
// to [B, H, Dh, capacity] so that a query's scores against all keys are
// vertical multiply-adds.
struct KVCache {
  std::vector<torch::Tensor> keys, values;
  int64_t length = 0;  // positions filled so far
  // Scratch rows reused by every decoding step (x, h, qkv, att, gate_up, act),
  // so that a step allocates no large buffers.
  std::vector<torch::Tensor> scratch;
  KVCache(const ModelConfig& config, int64_t batch, int64_t capacity);
  int64_t capacity() const { return values.empty() ? 0 : values[0].size(2); }
  // Keeps only the given batch rows (used when finished rows leave a batch).
  void keep_rows(const torch::Tensor& rows);
};

class TransformerImpl : public torch::nn::Module {
 public:
  explicit TransformerImpl(const ModelConfig& config);

  // tokens, positions: [B, T] int64. attention_bias: additive [B, 1, T, S]
  // (0 = may attend, -inf = may not) or undefined for plain causal attention
  // over the T tokens. With a cache, the new keys/values are written at
  // [length, length + T) and attention covers S = length + T positions.
  // Returns logits [B, T, V].
  torch::Tensor forward(const torch::Tensor& tokens, const torch::Tensor& positions,
                        const torch::Tensor& attention_bias = {}, KVCache* cache = nullptr);

  const ModelConfig& config() const { return config_; }
  // Parameters in a fixed order under the names checkpoints save
  // ("embedding.weight", "layers.0.qkv.weight", ...).
  std::vector<std::pair<std::string, torch::Tensor>> named_weights() const { return weights_; }

 private:
  // One new token per row with a cache, no autograd: the whole step in a few
  // matrix products plus fused per-row loops (norms, rotary, cache writes,
  // attention, SwiGLU), so that small batches are not dominated by the cost
  // of dispatching many small tensor operations.
  torch::Tensor decode_step(const torch::Tensor& tokens, const torch::Tensor& positions,
                            const torch::Tensor& attention_bias, KVCache& cache);

  // Each parameter has one name, its checkpoint name; libtorch's own registry
  // takes no dots, so there it is spelt with '_' ("layers_0_qkv_weight").
  torch::Tensor add_weight(const std::string& name, torch::Tensor initial);

  struct Layer {  // "layers.<l>.<member>.weight"
    torch::Tensor attn_norm, qkv, out, mlp_norm, gate_up, down;
  };
  ModelConfig config_;
  std::vector<std::pair<std::string, torch::Tensor>> weights_;  // in registration order
  torch::Tensor embedding_, final_norm_, head_;                 // "embedding.weight", ...
  std::vector<Layer> layers_;
  torch::Tensor rope_cos_, rope_sin_;  // [max_seq_len, Dh/2]
};
TORCH_MODULE(Transformer);

// Fresh weights: normal(0, 0.02) for matrices (output projections scaled by
// 1/sqrt(2 n_layers)), ones for norms; drawn from a generator seeded by `seed`.
Transformer make_transformer(const ModelConfig& config, uint64_t seed);

// Sets libtorch's intra-op threads; threads <= 0 means all cores.
// Returns the number set.
int set_threads(int threads);

}  // namespace rlvr::model
