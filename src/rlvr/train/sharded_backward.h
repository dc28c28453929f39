// One batch's forward and backward in shards, run side by side on copies of
// the model: a model this small keeps two cores busier with one shard each
// than with both inside every matrix product (docs/PERFORMANCE.md).
#pragma once

#include <functional>
#include <vector>

#include "rlvr/model/transformer.h"

namespace rlvr::train {

class ShardedBackward {
 public:
  // Runs `side_by_side` shards at once (1: one after another, on `primary`).
  ShardedBackward(model::Transformer primary, int side_by_side);

  // The primary's .grad() becomes the sum of the shards' gradients, added in
  // shard order whatever runs side by side, so the result does not depend on
  // the threads. loss_of(model, shard) builds shard s's loss on `model`.
  // Returns the sum of the shards' losses.
  double backward(int shards, const std::function<torch::Tensor(model::Transformer&, int)>& loss_of);

  // Copies the primary's weights into the copies (after an optimizer step).
  void refresh();

 private:
  model::Transformer primary_;
  std::vector<model::Transformer> copies_;
};

}  // namespace rlvr::train
