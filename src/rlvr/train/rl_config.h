// The whole configuration of an RLVR run as plain data. An algorithm is only
// a preset of these options plus a registered advantage estimator: the
// trainer reads options, never the algorithm's name, so every piece (std
// normalisation, KL placement, clip range, loss aggregation, ...) can be
// switched on its own with `--set key=value` to study variants.
//
// Option keys are dotted ("kl.mode", "loss.clip_high"); rl_option_keys()
// lists them with their meaning. No libtorch here: the CLI includes it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace rlvr::train {

// The closed sets among the options. Their names are parsed once, when an
// option is set (so a wrong name is reported with its file, line and key);
// the trainer compares values, never text.
enum class KlMode {
  kNone,    // "none": no KL to the reference policy
  kReward,  // "reward": a per-token penalty in the reward
  kLoss,    // "loss": a term added to the loss
};
enum class KlEstimator { kK1, kK2, kK3 };  // "k1", "k2", "k3" (rl_losses.h)
// What DAPO's dynamic sampling compares within a group (verl's
// filter_groups.metric): a group whose values are all equal is dropped.
enum class FilterMetric {
  kAccuracy,  // "acc": the verifier's verdict (1 correct, 0 wrong); the DAPO recipe
  kScore,     // "score": the shaped reward (verdict plus format and overlong shaping)
};
enum class LossAggregation {
  kTokenMean,            // "token-mean": mean over every response token of the batch
  kSeqMeanTokenSum,      // "seq-mean-token-sum": mean over rows of each row's token sum
  kSeqMeanTokenMean,     // "seq-mean-token-mean": mean over rows of each row's token mean
  kSeqMeanTokenSumNorm,  // "seq-mean-token-sum-norm": sum over rows of token sums / a
                         // constant length (Dr. GRPO)
};

std::string_view option_name(KlMode mode);
std::string_view option_name(KlEstimator estimator);
std::string_view option_name(LossAggregation mode);
std::string_view option_name(FilterMetric metric);
// Throw rlvr::Error naming the known names.
KlMode parse_kl_mode(std::string_view name);
KlEstimator parse_kl_estimator(std::string_view name);
LossAggregation parse_loss_aggregation(std::string_view name);
FilterMetric parse_filter_metric(std::string_view name);

struct RlConfig {
  std::string algorithm = "grpo";  // preset name, recorded for provenance only

  // Advantage estimation (rl_advantages.h).
  struct Advantage {
    std::string estimator = "grpo";  // a registered estimator (advantage_estimators())
    double gamma = 1.0;              // discount (GAE, REINFORCE++ return-to-go)
    double lambda = 1.0;             // GAE lambda
    double eps = 1e-6;               // GRPO: A = (s - mean) / (std + eps)
    bool norm_by_std = true;         // GRPO: divide by the group std (false = Dr. GRPO)
    int64_t pass_k = 1;              // passk: the k of the group's pass@k objective
  } advantage;

  // Rollouts: prompts per step, G samples each.
  struct Rollout {
    int64_t prompts_per_step = 16;
    int64_t group_size = 8;
    int64_t max_response_tokens = 64;
    double temperature = 1.0;
    double top_p = 1.0;
    // Old-policy log-probs: false takes the sampler's (the same engine and
    // weights, so equal up to float rounding) and saves a forward pass; true
    // recomputes them with a forward pass as verl does. The sampler's are at
    // temperature 1, so at any other rollout temperature they are always
    // recomputed: every log-prob of the loss (old, current, reference) is
    // taken from logits divided by the rollout temperature, as verl does.
    bool recompute_logprobs = false;
    bool ignore_eos = false;  // benchmarks: every sample runs to max_response_tokens
  } rollout;

  // Reward: outcome score from the verifier (1 correct, 0 wrong) plus shaping.
  struct Reward {
    double format_reward = 0.0;  // added when the answer could be extracted (off by default)
    bool overlong_enabled = false;
    int64_t overlong_max_len = 0;    // L_max; 0 = rollout.max_response_tokens
    int64_t overlong_buffer = 0;     // B (0 = L_max / 5, DAPO's 4096 of 20480): penalty
                                     // min(0, -(L - (L_max - B)) / B) * factor
    double overlong_factor = 1.0;
  } reward;

  // DAPO's dynamic sampling: keep only groups whose scores are not all equal,
  // generating more rounds until the batch is full or the round cap is hit.
  struct DynamicSampling {
    bool enabled = false;
    int64_t max_rounds = 10;  // total generation rounds per step (verl max_num_gen_batches)
    FilterMetric metric = FilterMetric::kAccuracy;
  } dynamic_sampling;

  // Clipped surrogate and its aggregation (rl_losses.h).
  struct Loss {
    double clip_low = 0.2;       // ratio clipped below at 1 - clip_low
    double clip_high = 0.2;      // ... and above at 1 + clip_high (DAPO: 0.28)
    double dual_clip_c = 3.0;    // for A < 0 the loss is at most -c * A
    LossAggregation agg_mode = LossAggregation::kTokenMean;
    int64_t norm_length = 0;     // divisor of seq-mean-token-sum-norm; 0 = max_response_tokens
    double entropy_coef = 0.0;   // loss -= entropy_coef * entropy
  } loss;

  // KL to the reference policy: the initial one, or with reset_every > 0 the
  // current policy copied every that many steps (prolonged RL, as ProRL).
  struct Kl {
    KlMode mode = KlMode::kNone;
    KlEstimator estimator = KlEstimator::kK1;
    double coef = 0.001;
    int64_t reset_every = 0;
  } kl;

  // PPO's value head (used only by estimators that need values).
  struct Value {
    double clip = 0.5;   // V clipped to V_old +- clip
    double coef = 1.0;   // weight of the value loss
    double lr = 1e-4;    // the head has its own optimiser
  } value;

  struct Optim {
    double lr = 1e-5;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double weight_decay = 0.01;
    int64_t warmup_steps = 0;  // RL steps of linear learning-rate warm-up (as verl counts them)
    double grad_clip = 1.0;    // global grad-norm clip; 0 = off
    int64_t epochs = 1;        // passes over each rollout batch
    int64_t minibatch_prompts = 4;  // prompts per optimiser step (all their samples); 0 = the
                                    // whole batch: one on-policy update per epoch
  } optim;

  struct Eval {
    int64_t every = 10;         // steps between evaluations (0 = only at start and end)
    int64_t problems = 64;      // held-out problems
    int64_t samples = 8;        // n samples per problem for pass@k (k up to n)
    double temperature = 1.0;
    double top_p = 1.0;
  } eval;

  struct Task {
    int64_t difficulty = 0;  // problem difficulty of training and evaluation (0 = family default)
    uint64_t seed = 1;       // seed of problem generation (fixed apart from run.seed so that
                             // runs with different seeds share their held-out problems)
  } task;

  struct Run {
    int64_t steps = 50;
    uint64_t seed = 1;
    int64_t threads = 1;
    int64_t checkpoint_every = 10;  // steps between checkpoints (0 = only at the end)
  } run;

  // max_response_tokens-dependent defaults resolved (overlong L_max, norm_length).
  int64_t resolved_norm_length() const;
  int64_t resolved_overlong_max_len() const;
  int64_t resolved_overlong_buffer() const;
  // Optimiser steps per RL step on a full batch: epochs x mini-batches.
  int64_t updates_per_step() const;
};

// The preset of a named algorithm (rl_presets.cpp holds the table: ppo, grpo,
// dr_grpo, rloo, ...). Throws rlvr::Error naming the known ones.
RlConfig rl_preset(std::string_view algorithm);
std::vector<std::string> rl_preset_names();  // in the table's order

// Sets one option from text ("kl.mode", "loss"); throws rlvr::InputError naming
// `source` (e.g. "--set" or a config file) with the key and the expected type.
void set_rl_option(RlConfig& config, std::string_view key, std::string_view value,
                   const std::string& source = "--set");
// "key=value" form of --set.
void apply_rl_assignment(RlConfig& config, std::string_view assignment);

// Applies a TOML file: tables map to dotted keys ([kl] mode = "loss"). A
// top-level `algorithm = "..."` starts from that preset before the other keys.
void apply_rl_config_file(RlConfig& config, const std::filesystem::path& path);

// Checks value ranges, the preset name and the estimator name (against the
// registry); throws rlvr::InputError naming the key.
void validate(const RlConfig& config);

struct RlOptionKey {
  std::string key;
  std::string type;         // "int", "float", "bool", "string" (names, too)
  std::string description;
};
std::vector<RlOptionKey> rl_option_keys();

// All options as a flat JSON object {"kl.mode": "loss", ...} (provenance).
std::string rl_config_json(const RlConfig& config);
std::string rl_option_value(const RlConfig& config, std::string_view key);

}  // namespace rlvr::train
