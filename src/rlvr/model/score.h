// Log-probabilities of given completions after given prompts, batched: for
// perplexity (no gradient) and for RL losses (differentiable).
#pragma once

#include <vector>

#include "rlvr/model/transformer.h"

namespace rlvr::model {

struct ScoredBatch {
  torch::Tensor logprobs;  // [B, C] float32: log p(completion[t] | bos, prompt, completion[<t])
  torch::Tensor mask;      // [B, C] float32: 1 for real completion tokens, 0 for padding
};

// Differentiable when gradients are enabled. prompts: ids without bos (added
// here); completions: ids, typically ending with eos. C = longest completion.
ScoredBatch score_batch(Transformer& model, const std::vector<std::vector<int>>& prompts,
                        const std::vector<std::vector<int>>& completions);

// Without gradient, in chunks of batch_size rows: per-token log-probs.
std::vector<std::vector<float>> score(Transformer& model, const std::vector<std::vector<int>>& prompts,
                                      const std::vector<std::vector<int>>& completions,
                                      int batch_size = 64);

}  // namespace rlvr::model
