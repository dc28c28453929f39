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

// Rows split into groups by length, each group padded to its longest: the
// split that minimises the padded tokens plus `group_cost_tokens` for each
// group (what another pass through the model costs, in tokens). Groups come
// shortest first; rows within a group in increasing length.
constexpr int64_t kGroupCostTokens = 64;
std::vector<std::vector<int64_t>> length_groups(const std::vector<int64_t>& lengths, int64_t group_cost_tokens);

// Logits of [bos, prompt, completion] rows at the completion positions,
// divided by `temperature` (the rollouts' sampling temperature, as verl
// scales them before taking log-probs and entropy).
// C = longest completion. Gradients flow when enabled. Neighbouring rows with
// the same prompt (the G samples of a group) compute it once and share its
// keys and values, which is exact, gradients included; share_prompts = false
// computes every row in full (the reference the shared path is tested
// against). On the shared path the completions go through the model in groups
// of similar length, each padded only to its own longest (length_groups).
ResponseLogits response_logits(model::Transformer& model, const std::vector<std::vector<int>>& prompts,
                               const std::vector<std::vector<int>>& completions, double temperature = 1.0,
                               bool share_prompts = true, int64_t group_cost_tokens = kGroupCostTokens);

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
// Overwrites `target`'s weights with `source`'s (the same config).
void copy_weights(const model::Transformer& source, model::Transformer& target);
ValueModel make_value_model(const model::Transformer& initial);

}  // namespace rlvr::train
