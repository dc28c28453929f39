#include "rlvr/train/sharded_backward.h"

#include <exception>
#include <thread>

#include "rlvr/train/rl_policy.h"
#include "rlvr/util/error.h"

namespace rlvr::train {

ShardedBackward::ShardedBackward(model::Transformer primary, int side_by_side) : primary_(std::move(primary)) {
  for (int i = 1; i < side_by_side; ++i) copies_.push_back(clone_model(primary_));
}

double ShardedBackward::backward(int shards, const std::function<torch::Tensor(model::Transformer&, int)>& loss_of) {
  if (shards <= 0) throw Error("sharded backward: shards must be positive");
  for (auto& [name, w] : primary_->named_weights()) w.mutable_grad() = torch::Tensor();
  const int at_once = static_cast<int>(copies_.size()) + 1;
  double loss_sum = 0;
  for (int first = 0; first < shards; first += at_once) {
    const int count = std::min(at_once, shards - first);
    // Shard first + i runs on copy i (0: the primary); copy i's gradient is
    // added to the primary's after those of the shards before it.
    std::vector<double> losses(count, 0);
    std::vector<std::exception_ptr> failed(count);
    auto run = [&](int i) {
      try {
        model::Transformer& m = i == 0 ? primary_ : copies_[i - 1];
        if (i > 0)
          for (auto& [name, w] : m->named_weights()) w.mutable_grad() = torch::Tensor();
        torch::Tensor loss = loss_of(m, first + i);
        loss.backward();
        losses[i] = loss.item<double>();
      } catch (...) {
        failed[i] = std::current_exception();
      }
    };
    std::vector<std::thread> side;
    for (int i = 1; i < count; ++i) side.emplace_back(run, i);
    run(0);
    for (auto& t : side) t.join();
    for (auto& f : failed)
      if (f) std::rethrow_exception(f);
    torch::NoGradGuard no_grad;
    auto to = primary_->named_weights();
    for (int i = 1; i < count; ++i) {
      auto from = copies_[i - 1]->named_weights();
      for (size_t p = 0; p < to.size(); ++p)
        if (from[p].second.grad().defined()) to[p].second.mutable_grad().add_(from[p].second.grad());
    }
    for (double l : losses) loss_sum += l;
  }
  return loss_sum;
}

void ShardedBackward::refresh() {
  for (auto& copy : copies_) copy_weights(primary_, copy);
}

}  // namespace rlvr::train
