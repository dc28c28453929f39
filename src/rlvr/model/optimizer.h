// AdamW with decoupled weight decay, written out so that its state is plain
// named tensors (saved in the training state, resumed bit for bit).
#pragma once

#include <torch/torch.h>

#include "rlvr/model/safetensors.h"

namespace rlvr::model {

struct AdamWOptions {
  double beta1 = 0.9;
  double beta2 = 0.95;
  double eps = 1e-8;
  double weight_decay = 0.1;  // applied to matrices only, never to norms
};

class AdamW {
 public:
  AdamW(NamedTensors params, AdamWOptions options = {});

  // One update with learning rate `lr` from the parameters' .grad().
  void step(double lr);
  void zero_grad();
  int64_t steps() const { return steps_; }
  const NamedTensors& params() const { return params_; }

  // "exp_avg.<name>" and "exp_avg_sq.<name>" for every parameter.
  NamedTensors state() const;
  void set_steps(int64_t steps) { steps_ = steps; }
  NamedTensors state_targets();  // the same tensors, to load into

 private:
  NamedTensors params_;
  std::vector<torch::Tensor> exp_avg_, exp_avg_sq_;
  AdamWOptions options_;
  int64_t steps_ = 0;
};

// Scales all gradients so that their global L2 norm is at most max_norm;
// returns the norm before clipping.
double clip_grad_norm(const NamedTensors& params, double max_norm);

}  // namespace rlvr::model
