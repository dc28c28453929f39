// The eight algorithm presets. Each is the defaults of its public reference
// recipe (verl's trainer config and example scripts; OpenRLHF for
// REINFORCE++), at quick-study scale for sizes: 16 prompts x 8 samples a
// step, 4 prompts a mini-batch (verl's 1024 / 256 ratio), one epoch, and a
// learning rate suited to the small engine models. docs/RL.md lists them.
#include <fmt/format.h>

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
  c.loss.clip_low = c.loss.clip_high = 0.2;  // verl clip_ratio
  c.loss.dual_clip_c = 3.0;                  // verl clip_ratio_c
  c.loss.agg_mode = "token-mean";            // verl loss_agg_mode default
  c.loss.entropy_coef = 0.0;
  c.kl = {"none", "k1", 0.001};
  return c;
}

}  // namespace

std::vector<std::string> rl_preset_names() {
  return {"ppo", "grpo", "dr_grpo", "rloo", "reinforce_pp", "reinforce_pp_baseline", "remax", "dapo"};
}

RlConfig rl_preset(std::string_view algorithm) {
  RlConfig c = quick_scale_base();
  c.algorithm = std::string(algorithm);
  if (algorithm == "ppo") {
    // verl PPO: GAE gamma = lambda = 1 whitened; critic with value clip 0.5
    // and a learning rate ten times the actor's; no KL by default.
    c.advantage.estimator = "gae";
    c.value.clip = 0.5;
    c.value.lr = 10 * c.optim.lr;
  } else if (algorithm == "grpo") {
    // verl GRPO: KL as a loss term, k3 ("low_var_kl"), coefficient 0.001.
    c.advantage.estimator = "grpo";
    c.kl = {"loss", "k3", 0.001};
  } else if (algorithm == "dr_grpo") {
    // verl's Dr. GRPO recipe: no std division, token sum over a constant
    // length, no KL loss.
    c.advantage.estimator = "grpo";
    c.advantage.norm_by_std = false;
    c.loss.agg_mode = "seq-mean-token-sum-norm";
  } else if (algorithm == "rloo") {
    // verl RLOO example: leave-one-out baseline, KL penalty in the reward (k1).
    c.advantage.estimator = "rloo";
    c.kl = {"reward", "k1", 0.001};
  } else if (algorithm == "reinforce_pp") {
    // REINFORCE++: per-token -beta * KL in the reward (k1), return-to-go,
    // batch whitening.
    c.advantage.estimator = "reinforce_pp";
    c.kl = {"reward", "k1", 0.001};
  } else if (algorithm == "reinforce_pp_baseline") {
    c.advantage.estimator = "reinforce_pp_baseline";
    c.kl = {"reward", "k1", 0.001};
  } else if (algorithm == "remax") {
    // verl ReMax example: greedy-rollout baseline, KL penalty in the reward.
    c.advantage.estimator = "remax";
    c.kl = {"reward", "k1", 0.001};
  } else if (algorithm == "dapo") {
    // DAPO recipe: GRPO advantages, clip-higher, token-mean, dynamic sampling
    // (at most 10 generation rounds), overlong shaping (buffer L_max / 5,
    // factor 1), no KL, weight decay 0.1, 10 warm-up steps.
    c.advantage.estimator = "grpo";
    c.loss.clip_low = 0.2;
    c.loss.clip_high = 0.28;
    c.loss.agg_mode = "token-mean";
    c.dynamic_sampling.enabled = true;
    c.dynamic_sampling.max_rounds = 10;
    c.reward.overlong_enabled = true;
    c.reward.overlong_buffer = 0;
    c.reward.overlong_factor = 1.0;
    c.optim.weight_decay = 0.1;
    c.optim.warmup_steps = 10;
  } else {
    std::string known;
    for (const auto& n : rl_preset_names()) known += (known.empty() ? "" : ", ") + n;
    throw Error(fmt::format("unknown algorithm \"{}\"; known: {}", algorithm, known));
  }
  return c;
}

}  // namespace rlvr::train
