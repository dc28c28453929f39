// The RLVR trainer: one step = rollouts (with DAPO's dynamic sampling when
// enabled), old/reference log-probs (and values), token rewards, advantages
// from the registered estimator, then epochs x mini-batches of clipped
// policy-gradient updates (AdamW, warm-up, gradient clipping). It reads only
// options: an algorithm is its preset plus its advantage estimator.
//
// All randomness comes from seeds derived from (run.seed, purpose, step or
// problem, index), so the state to resume exactly is the weights, the
// optimiser moments and two counters: save_state / load_state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "rlvr/model/checkpoint.h"
#include "rlvr/model/optimizer.h"
#include "rlvr/tasks/task.h"
#include "rlvr/train/rl_config.h"
#include "rlvr/train/rl_policy.h"

namespace rlvr::train {

struct AdvantageEstimator;
struct AdvantageResult;
struct Rollouts;

// Named figures of one step or evaluation, in a stable order.
using Metrics = std::vector<std::pair<std::string, double>>;
double metric(const Metrics& metrics, const std::string& name);  // throws when absent

class RlTrainer {
 public:
  // `base` is the initial policy and the KL reference. Throws rlvr::Error on
  // an invalid config.
  RlTrainer(const RlConfig& config, const model::LoadedModel& base, const tasks::TaskFamily& family);

  Metrics step();
  // Held-out problems 0..eval.problems-1 of the test split, eval.samples each,
  // with fixed seeds: pass@k (k = 1, 2, 4, .., n), reward, response length,
  // entropy and KL to the reference on these samples.
  Metrics evaluate();

  int64_t steps_done() const { return step_; }
  const RlConfig& config() const { return config_; }
  model::Transformer& policy() { return policy_; }
  const model::Tokenizer& tokenizer() const { return tokenizer_; }

  // One safetensors file (written atomically) with weights, optimiser state,
  // value model and counters; load_state checks the saved config matches.
  void save_state(const std::filesystem::path& file) const;
  void load_state(const std::filesystem::path& file);

 private:
  // The parts of a step, in order; each returns what the next one reads.
  struct Collected;  // the batch to learn from, figures of everything generated
  struct Scored;     // the batch's prompts, response mask, old-policy and reference log-probs, values
  struct Updated;    // sums over the mini-batch updates
  Collected collect_rollouts(const AdvantageEstimator& estimator);
  Scored score(const Rollouts& batch);
  AdvantageResult advantages(const AdvantageEstimator& estimator, const Rollouts& batch,
                             const Scored& scored) const;
  Updated update(const Rollouts& batch, const Scored& scored, const AdvantageResult& adv, double lr);

  std::vector<tasks::Problem> next_train_problems(std::vector<uint64_t>& keys);
  double learning_rate_factor() const;
  void reset_reference();  // kl.reset_every: the reference becomes the current policy
  int difficulty() const;

  RlConfig config_;
  const tasks::TaskFamily& family_;
  model::Tokenizer tokenizer_;
  model::Transformer policy_{nullptr};
  model::Transformer reference_{nullptr};
  std::unique_ptr<model::AdamW> policy_opt_;
  std::unique_ptr<ValueModel> value_;
  std::unique_ptr<model::AdamW> value_opt_;
  int64_t step_ = 0;
  uint64_t next_problem_ = 0;  // train problems used so far (dynamic sampling uses more)
};

}  // namespace rlvr::train
