// The algorithm presets, one row each. Each is the defaults of its
// public reference recipe (verl's trainer config and example scripts; OpenRLHF
// for REINFORCE++), at quick-study scale for sizes: 16 prompts x 8 samples a
// step, 4 prompts a mini-batch (verl's 1024 / 256 ratio), one epoch, and a
// learning rate suited to the small engine models. docs/RL.md lists them.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "rlvr/train/rl_config.h"
#include "rlvr/util/error.h"

namespace rlvr::train {

namespace {

RlConfig quick_scale_base() {
  RlConfig c;
  c.rollout.prompts_per_step = 16;
  c.rollout.group_size = 8;
  c.rollout.max_response_tokens = 64;
  c.rollout.temperature = 1.0;  // the study trains at temperature 1
  c.optim.lr = 1e-5;
  c.optim.weight_decay = 0.01;  // verl actor optim default
  c.optim.grad_clip = 1.0;      // verl actor grad_clip
  c.optim.epochs = 1;           // verl ppo_epochs
  c.optim.minibatch_prompts = 4;
  c.loss.clip_low = c.loss.clip_high = 0.2;       // verl clip_ratio
  c.loss.dual_clip_c = 3.0;                       // verl clip_ratio_c
  c.loss.agg_mode = LossAggregation::kTokenMean;  // verl loss_agg_mode default
  c.loss.entropy_coef = 0.0;
  c.kl = {.mode = KlMode::kNone, .estimator = KlEstimator::kK1, .coef = 0.001};
  return c;
}

// A KL penalty of 0.001 in the reward, estimator k1 (verl's RLOO, ReMax and
// REINFORCE++ examples).
constexpr RlConfig::Kl kKlInReward = {.mode = KlMode::kReward, .estimator = KlEstimator::kK1, .coef = 0.001};

struct Preset {
  const char* name;
  void (*apply)(RlConfig& c);  // changes to quick_scale_base()
};

const Preset kPresets[] = {
    // verl PPO: GAE gamma = lambda = 1 whitened; critic with value clip 0.5
    // and a learning rate ten times the actor's; no KL by default.
    {"ppo",
     [](RlConfig& c) {
       c.advantage.estimator = "gae";
       c.value.clip = 0.5;
       c.value.lr = 10 * c.optim.lr;
     }},
    // verl GRPO: KL as a loss term, k3 ("low_var_kl"), coefficient 0.001.
    {"grpo",
     [](RlConfig& c) {
       c.advantage.estimator = "grpo";
       c.kl = {.mode = KlMode::kLoss, .estimator = KlEstimator::kK3, .coef = 0.001};
     }},
    // verl's Dr. GRPO recipe: no std division, token sum over a constant
    // length, no KL loss.
    {"dr_grpo",
     [](RlConfig& c) {
       c.advantage.estimator = "grpo";
       c.advantage.norm_by_std = false;
       c.loss.agg_mode = LossAggregation::kSeqMeanTokenSumNorm;
     }},
    // verl RLOO example: leave-one-out baseline, KL penalty in the reward (k1).
    {"rloo",
     [](RlConfig& c) {
       c.advantage.estimator = "rloo";
       c.kl = kKlInReward;
     }},
    // REINFORCE++: per-token -beta * KL in the reward (k1), return-to-go,
    // batch whitening; verl's examples make one on-policy update per step
    // (mini-batch = train batch).
    {"reinforce_pp",
     [](RlConfig& c) {
       c.advantage.estimator = "reinforce_pp";
       c.kl = kKlInReward;
       c.optim.minibatch_prompts = 0;
     }},
    {"reinforce_pp_baseline",
     [](RlConfig& c) {
       c.advantage.estimator = "reinforce_pp_baseline";
       c.kl = kKlInReward;
       c.optim.minibatch_prompts = 0;
     }},
    // verl ReMax example: greedy-rollout baseline, KL penalty in the reward.
    {"remax",
     [](RlConfig& c) {
       c.advantage.estimator = "remax";
       c.kl = kKlInReward;
     }},
    // Pass@k training (Chen et al., 2025): GRPO's settings with the
    // analytical pass@k advantage, k = 4 of the group's 8 samples.
    {"grpo_passk",
     [](RlConfig& c) {
       c.advantage.estimator = "passk";
       c.advantage.pass_k = 4;
       c.kl = {.mode = KlMode::kLoss, .estimator = KlEstimator::kK3, .coef = 0.001};
     }},
    // DAPO recipe: GRPO advantages, clip-higher, dual clip c = 10, token-mean,
    // dynamic sampling on accuracy (filter_groups.metric = acc, at most 10
    // generation rounds), overlong shaping (buffer L_max / 5, factor 1), no KL,
    // weight decay 0.1, 10 warm-up steps, 16 mini-batches a step (512 prompts
    // in mini-batches of 32: here 16 prompts in mini-batches of 1).
    {"dapo",
     [](RlConfig& c) {
       c.advantage.estimator = "grpo";
       c.loss.clip_low = 0.2;
       c.loss.clip_high = 0.28;
       c.loss.dual_clip_c = 10.0;
       c.loss.agg_mode = LossAggregation::kTokenMean;
       c.dynamic_sampling.enabled = true;
       c.dynamic_sampling.max_rounds = 10;
       c.dynamic_sampling.metric = FilterMetric::kAccuracy;
       c.reward.overlong_enabled = true;
       c.reward.overlong_buffer = 0;
       c.reward.overlong_factor = 1.0;
       c.optim.weight_decay = 0.1;
       c.optim.warmup_steps = 10;
       c.optim.minibatch_prompts = 1;
     }},
};

}  // namespace

std::vector<std::string> rl_preset_names() {
  std::vector<std::string> names;
  for (const Preset& p : kPresets) names.emplace_back(p.name);
  return names;
}

RlConfig rl_preset(std::string_view algorithm) {
  for (const Preset& p : kPresets) {
    if (algorithm != p.name) continue;
    RlConfig c = quick_scale_base();
    c.algorithm = std::string(algorithm);
    p.apply(c);
    return c;
  }
  throw Error(fmt::format("unknown algorithm \"{}\"; known: {}", algorithm, fmt::join(rl_preset_names(), ", ")));
}

}  // namespace rlvr::train
