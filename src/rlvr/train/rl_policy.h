// What the RL trainer needs from the engine's transformer beyond sampling:
// the logits at each completion position of a batch of (prompt, completion)
// pairs, differentiable, so that one forward pass gives the log-probs of the
// sampled tokens and the policy's entropy; and PPO's value model.
#pragma once

#include <vector>

#include <torch/torch.h>

#include "rlvr/model/transformer.h"

namespace rlvr::train {

struct ResponseLogits {
  torch::Tensor logits;   // [B, C, V]: prediction of completion token t (after bos, prompt, tokens < t)
  torch::Tensor logprobs; // [B, C]: log p of the completion's own token t
  torch::Tensor mask;     // [B, C] float: 1 on the completion's tokens
};

// Logits of [bos, prompt, completion] rows at the completion positions,
// divided by `temperature` (the rollouts' sampling temperature, as verl
// scales them before taking log-probs and entropy).
// C = longest completion. Gradients flow when enabled. Neighbouring rows with
// the same prompt (the G samples of a group) compute it once and share its
// keys and values, which is exact, gradients included; share_prompts = false
// computes every row in full (the reference the shared path is tested
// against).
ResponseLogits response_logits(model::Transformer& model, const std::vector<std::vector<int>>& prompts,
                               const std::vector<std::vector<int>>& completions, double temperature = 1.0,
                               bool share_prompts = true);

// PPO's critic, as in verl a separate copy of the initial model: its logits
// at the completion positions go through a learned linear map to one value
// (the logits are themselves a linear map of the final hidden state, so this
// is a linear value head on the critic's last hidden state; the engine's
// forward exposes logits only). The map starts at zero: V = 0 initially.
struct ValueModel {
  model::Transformer trunk{nullptr};
  torch::Tensor head_weight;  // [V]
  torch::Tensor head_bias;    // [1]

  // [B, C] values, 0 on padding.
  torch::Tensor values(const std::vector<std::vector<int>>& prompts,
                       const std::vector<std::vector<int>>& completions);
  // trunk weights as "trunk.<name>", then "value_head.weight", "value_head.bias".
  std::vector<std::pair<std::string, torch::Tensor>> named_weights() const;
};

// A fresh model with the same config and a copy of `source`'s weights.
model::Transformer clone_model(const model::Transformer& source);
ValueModel make_value_model(const model::Transformer& initial);

}  // namespace rlvr::train
