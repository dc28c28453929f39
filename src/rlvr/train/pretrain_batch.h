// One pretraining batch: rows of whole documents packed end to end, each
// document with its own positions and a mask that lets it see only itself.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

namespace rlvr::train {

struct PackedBatch {
  torch::Tensor inputs, targets;  // [B, T]; targets -100 where nothing is predicted
  torch::Tensor positions;        // [B, T]: position within its own document
  torch::Tensor bias;             // [B, 1, T, T]: causal within each document, -inf across
  int64_t tokens = 0;             // real target tokens
};

// `docs` are token sequences (bos ... eos), none longer than row_len.
PackedBatch pack_batch(const std::vector<std::vector<int>>& docs, int rows, int64_t row_len, uint64_t seed,
                       int64_t step);

}  // namespace rlvr::train
