// Batched sampling with a key/value cache. Prompts are left-padded; each row
// has its own positions and an attention mask that hides its padding, and its
// own random stream seeded by the caller (use rlvr::derive_seed(seed, {i, j})
// for sample j of problem i). A row's tokens therefore depend only on its
// prompt, its seed and the model, not on the batch it shares (up to float
// rounding of the batched matrix products, which moves a sampled token only
// when the uniform draw lands within ~1e-7 of a bucket edge).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "rlvr/model/sampling.h"
#include "rlvr/model/tokenizer.h"
#include "rlvr/model/transformer.h"

namespace rlvr::model {

struct Completion {
  std::vector<int> tokens;            // generated ids; ends with eos when the model emitted it
  std::vector<float> token_logprobs;  // per token, model log-prob at temperature 1
  std::string text;                   // decoded tokens (eos dropped, a stop string kept)
  double logprob = 0;                 // sum of token_logprobs
  std::string finish_reason;          // "eos", "stop" or "length"
};

// prompts: token ids without bos (the engine prepends bos). seeds: one per
// prompt row. on_done (optional) is called with the number of rows finished.
std::vector<Completion> generate(Transformer& model, const Tokenizer& tokenizer,
                                 const std::vector<std::vector<int>>& prompts,
                                 const std::vector<uint64_t>& seeds, const SamplingOptions& options,
                                 const std::function<void(int64_t)>& on_done = {});

}  // namespace rlvr::model
