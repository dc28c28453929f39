#include "rlvr/train/rl_trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "rlvr/metrics/pass_at_k.h"
#include "rlvr/model/safetensors.h"
#include "rlvr/train/rl_advantages.h"
#include "rlvr/train/rl_dynamic_sampling.h"
#include "rlvr/train/rl_losses.h"
#include "rlvr/train/rl_masked.h"
#include "rlvr/train/rl_rewards.h"
#include "rlvr/train/rl_rollout.h"
#include "rlvr/util/error.h"
#include "rlvr/util/seed.h"

namespace rlvr::train {

namespace {

constexpr uint64_t kShuffleStream = 4;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

model::AdamWOptions adamw_options(const RlConfig& c) {
  model::AdamWOptions o;
  o.beta1 = c.optim.beta1;
  o.beta2 = c.optim.beta2;
  o.weight_decay = c.optim.weight_decay;
  return o;
}

model::SamplingOptions sampling_options(double temperature, double top_p, int64_t max_tokens) {
  model::SamplingOptions s;
  s.temperature = temperature;
  s.top_p = top_p;
  s.max_new_tokens = static_cast<int>(max_tokens);
  return s;
}

// Rows of `rows` selected from a [N, C] tensor, columns cut to `width`.
torch::Tensor take(const torch::Tensor& t, const torch::Tensor& rows, int64_t width) {
  return t.index_select(0, rows).narrow(1, 0, width);
}

// The options a run must keep to resume (run length and threads may change).
std::string resumable_config(const RlConfig& c) {
  RlConfig copy = c;
  copy.run.steps = 0;
  copy.run.threads = 1;
  copy.run.checkpoint_every = 0;
  return rl_config_json(copy);
}

}  // namespace

double metric(const Metrics& metrics, const std::string& name) {
  for (const auto& [k, v] : metrics)
    if (k == name) return v;
  throw Error("no metric named " + name);
}

RlTrainer::RlTrainer(const RlConfig& config, const model::LoadedModel& base,
                     const tasks::TaskFamily& family)
    : config_(config), family_(family), tokenizer_(base.tokenizer) {
  validate(config_);
  const AdvantageEstimator& estimator = advantage_estimator(config_.advantage.estimator);
  policy_ = clone_model(base.model);
  reference_ = clone_model(base.model);
  for (auto& [name, t] : reference_->named_weights()) t.requires_grad_(false);
  policy_opt_ = std::make_unique<model::AdamW>(policy_->named_weights(), adamw_options(config_));
  if (estimator.needs_values) {
    value_ = std::make_unique<ValueModel>(make_value_model(base.model));
    value_opt_ = std::make_unique<model::AdamW>(value_->named_weights(), adamw_options(config_));
  }
}

int RlTrainer::difficulty() const {
  return config_.task.difficulty > 0 ? static_cast<int>(config_.task.difficulty)
                                     : family_.default_difficulty();
}

double RlTrainer::learning_rate_factor() const {
  // Linear warm-up over the first warmup_steps RL steps, as verl's constant
  // schedule with warm-up: step s (from 0) uses s / W, so the first uses 0.
  if (config_.optim.warmup_steps <= 0) return 1.0;
  return std::min(1.0, static_cast<double>(step_) / static_cast<double>(config_.optim.warmup_steps));
}

void RlTrainer::reset_reference() {
  torch::NoGradGuard no_grad;
  auto source = policy_->named_weights();
  auto target = reference_->named_weights();
  for (size_t i = 0; i < target.size(); ++i) target[i].second.copy_(source[i].second);
}

std::vector<tasks::Problem> RlTrainer::next_train_problems(std::vector<uint64_t>& keys) {
  std::vector<tasks::Problem> problems;
  keys.clear();
  for (int64_t i = 0; i < config_.rollout.prompts_per_step; ++i) {
    keys.push_back(next_problem_);
    problems.push_back(family_.generate(tasks::Split::train, next_problem_, difficulty(), config_.task.seed));
    ++next_problem_;
  }
  return problems;
}

// Rollouts until the batch is full, and sums over every row generated.
struct RlTrainer::Collected {
  Rollouts batch;
  int64_t rounds = 0, generated_rows = 0, generated_groups = 0, equal_groups = 0;
  double reward_sum = 0, correct_sum = 0, length_sum = 0;

  void add_metrics(Metrics& m) const {
    const auto rows = static_cast<double>(generated_rows);
    m.emplace_back("reward", reward_sum / rows);
    m.emplace_back("accuracy", correct_sum / rows);
    m.emplace_back("response_length", length_sum / rows);
    m.emplace_back("equal_score_group_fraction",
                   static_cast<double>(equal_groups) / static_cast<double>(generated_groups));
    m.emplace_back("generation_rounds", static_cast<double>(rounds));
    m.emplace_back("batch_groups", static_cast<double>(batch.groups()));
  }
};

struct RlTrainer::Scored {
  std::vector<std::vector<int>> prompts;  // per row
  torch::Tensor mask;                     // [B, T] 1 on response tokens
  torch::Tensor old_logp, ref_logp;       // [B, T]; ref_logp only with a KL
  torch::Tensor old_values;               // [B, T]; only with a value head
};

struct RlTrainer::Updated {
  int64_t updates = 0;
  double sum_pg = 0, sum_kl = 0, sum_clip = 0, sum_dual = 0, sum_approx_kl = 0, sum_gn = 0;
  double sum_vloss = 0, sum_vclip = 0, entropy_sum = 0, entropy_tokens = 0;

  void add_metrics(Metrics& m, bool with_value_head) const {
    const double u = static_cast<double>(std::max<int64_t>(updates, 1));
    m.emplace_back("entropy", entropy_sum / std::max(entropy_tokens, 1.0));
    m.emplace_back("pg_loss", sum_pg / u);
    m.emplace_back("kl_loss", sum_kl / u);
    m.emplace_back("clip_fraction", sum_clip / u);
    m.emplace_back("dual_clip_fraction", sum_dual / u);
    m.emplace_back("approx_kl", sum_approx_kl / u);
    m.emplace_back("grad_norm", sum_gn / u);
    if (with_value_head) {
      m.emplace_back("value_loss", sum_vloss / u);
      m.emplace_back("value_clip_fraction", sum_vclip / u);
    }
    m.emplace_back("updates", static_cast<double>(updates));
  }
};

// One step, as llm.c tells its training loop: sample, score, advantages,
// update, each part's figures added to the step's metrics as it finishes.
Metrics RlTrainer::step() {
  const AdvantageEstimator& estimator = advantage_estimator(config_.advantage.estimator);
  const double lr = config_.optim.lr * learning_rate_factor();
  Metrics m{{"step", static_cast<double>(step_ + 1)}};
  if (config_.kl.reset_every > 0 && step_ > 0 && step_ % config_.kl.reset_every == 0) reset_reference();
  auto t0 = std::chrono::steady_clock::now();
  const Collected rollouts = collect_rollouts(estimator);
  const Rollouts& batch = rollouts.batch;
  const double t_sample = seconds_since(t0);
  rollouts.add_metrics(m);
  m.emplace_back("lr", lr);
  if (batch.rows() == 0) {
    // Dynamic sampling kept nothing within its round cap: no update this step.
    ++step_;
    m.emplace_back("skipped", 1.0);
    m.emplace_back("time_sample_s", t_sample);
    return m;
  }

  auto t1 = std::chrono::steady_clock::now();
  const Scored scored = score(batch);
  const double t_score = seconds_since(t1);

  auto t2 = std::chrono::steady_clock::now();
  const AdvantageResult adv = advantages(estimator, batch, scored);
  m.emplace_back("zero_advantage_group_fraction",
                 zero_advantage_group_fraction(adv.advantages, scored.mask, batch.group));
  m.emplace_back("advantage_abs_mean", masked_mean(adv.advantages.abs(), scored.mask).item<double>());
  if (config_.kl.mode != KlMode::kNone)
    m.emplace_back("kl_ref", masked_mean(scored.old_logp - scored.ref_logp, scored.mask).item<double>());
  const Updated updated = update(batch, scored, adv, lr);
  updated.add_metrics(m, value_ != nullptr);
  m.emplace_back("time_sample_s", t_sample);
  m.emplace_back("time_score_s", t_score);
  m.emplace_back("time_update_s", seconds_since(t2));
  ++step_;
  return m;
}

// With dynamic sampling, rounds of rollouts until the batch is full.
RlTrainer::Collected RlTrainer::collect_rollouts(const AdvantageEstimator& estimator) {
  const RlConfig& c = config_;
  model::SamplingOptions sampling =
      sampling_options(c.rollout.temperature, c.rollout.top_p, c.rollout.max_response_tokens);
  sampling.ignore_eos = c.rollout.ignore_eos;
  Collected out;
  while (true) {
    std::vector<uint64_t> keys;
    std::vector<tasks::Problem> problems = next_train_problems(keys);
    Rollouts round = sample_rollouts(policy_, tokenizer_, family_, problems, keys, c.rollout.group_size,
                                     sampling, estimator.needs_greedy_baseline, c, SeedPurpose::kTrain);
    ++out.rounds;
    // What the filter compares: the verdicts (DAPO's recipe) or the shaped scores.
    std::vector<std::vector<double>> filter_values;
    for (int64_t g = 0; g < round.groups(); ++g) {
      filter_values.push_back(c.dynamic_sampling.metric == FilterMetric::kAccuracy ? round.group_correct(g)
                                                                                   : round.group_scores(g));
      out.equal_groups += !group_is_informative(filter_values.back()) || filter_values.back().size() == 1;
    }
    out.generated_groups += round.groups();
    for (int64_t i = 0; i < round.rows(); ++i) {
      out.reward_sum += round.scores[i];
      out.correct_sum += round.correct[i];
      out.length_sum += static_cast<double>(round.completions[i].size());
    }
    out.generated_rows += round.rows();
    if (!c.dynamic_sampling.enabled) {
      out.batch = std::move(round);
      break;
    }
    GroupSelection sel = select_groups(filter_values, out.batch.groups(), c.rollout.prompts_per_step, out.rounds,
                                       c.dynamic_sampling.max_rounds);
    for (int64_t g : sel.keep) out.batch.append_group(round, g);
    if (sel.decision != SamplingDecision::kSampleMore) break;
  }
  return out;
}

// Old-policy and reference log-probs (and values) of the batch, without gradients.
RlTrainer::Scored RlTrainer::score(const Rollouts& batch) {
  Scored s;
  s.prompts = batch.row_prompts();
  torch::NoGradGuard no_grad;
  const double t = config_.rollout.temperature;
  if (config_.rollout.recompute_logprobs || t != 1.0) {
    ResponseLogits old = response_logits(policy_, s.prompts, batch.completions, t);
    s.old_logp = old.logprobs;
    s.mask = old.mask;
  } else {
    std::tie(s.old_logp, s.mask) = batch.logprob_tensor();
  }
  if (config_.kl.mode != KlMode::kNone)
    s.ref_logp = response_logits(reference_, s.prompts, batch.completions, t).logprobs;
  if (value_) s.old_values = value_->values(s.prompts, batch.completions);
  return s;
}

// Token rewards (with the KL penalty when it goes in the reward), then the
// registered estimator's advantages.
AdvantageResult RlTrainer::advantages(const AdvantageEstimator& estimator, const Rollouts& batch,
                                      const Scored& scored) const {
  const RlConfig& c = config_;
  torch::Tensor token_rewards = token_level_scores(batch.scores, scored.mask);
  if (c.kl.mode == KlMode::kReward)
    token_rewards = apply_kl_in_reward(token_rewards, scored.old_logp, scored.ref_logp, scored.mask,
                                       c.kl.estimator, c.kl.coef);
  AdvantageInputs in;
  in.token_rewards = token_rewards;
  in.mask = scored.mask;
  in.group = batch.group;
  in.values = scored.old_values;
  if (estimator.needs_greedy_baseline) {
    std::vector<float> b;
    for (int64_t g : batch.group) b.push_back(static_cast<float>(batch.greedy_scores[g]));
    in.baseline_scores = torch::tensor(b);
  }
  in.correct = batch.correct;
  return estimator.compute(in, {.gamma = c.advantage.gamma,
                                .lambda = c.advantage.lambda,
                                .eps = c.advantage.eps,
                                .norm_by_std = c.advantage.norm_by_std,
                                .pass_k = c.advantage.pass_k});
}

// Epochs x mini-batches of clipped policy-gradient updates (and value-head
// updates), mini-batches of whole groups in an order shuffled per epoch.
RlTrainer::Updated RlTrainer::update(const Rollouts& batch, const Scored& scored, const AdvantageResult& adv,
                                     double lr) {
  const RlConfig& c = config_;
  const auto& prompts = scored.prompts;
  const auto& completions = batch.completions;
  const torch::Tensor& mask = scored.mask;
  const LossAggregation agg = c.loss.agg_mode;
  const double norm_length = static_cast<double>(c.resolved_norm_length());
  const ClipOptions clip{
      .clip_low = c.loss.clip_low, .clip_high = c.loss.clip_high, .dual_clip_c = c.loss.dual_clip_c};
  const double max_norm = c.optim.grad_clip > 0 ? c.optim.grad_clip : std::numeric_limits<double>::infinity();
  std::vector<std::vector<int64_t>> rows_of(batch.groups());
  for (int64_t i = 0; i < batch.rows(); ++i) rows_of[batch.group[i]].push_back(i);
  Updated u;
  for (int64_t epoch = 0; epoch < c.optim.epochs; ++epoch) {
    std::vector<int64_t> order(batch.groups());
    for (int64_t g = 0; g < batch.groups(); ++g) order[g] = g;
    std::mt19937_64 rng(derive_seed(c.run.seed, {kShuffleStream, static_cast<uint64_t>(step_),
                                                 static_cast<uint64_t>(epoch)}));
    for (int64_t i = batch.groups() - 1; i > 0; --i)
      std::swap(order[i], order[static_cast<int64_t>(rng() % static_cast<uint64_t>(i + 1))]);
    const int64_t per_minibatch = c.optim.minibatch_prompts > 0 ? c.optim.minibatch_prompts : batch.groups();
    for (int64_t start = 0; start < batch.groups(); start += per_minibatch) {
      std::vector<int64_t> rows;
      for (int64_t k = start; k < std::min<int64_t>(start + per_minibatch, batch.groups()); ++k)
        rows.insert(rows.end(), rows_of[order[k]].begin(), rows_of[order[k]].end());
      std::vector<std::vector<int>> sub_prompts, sub_completions;
      for (int64_t r : rows) {
        sub_prompts.push_back(prompts[r]);
        sub_completions.push_back(completions[r]);
      }
      torch::Tensor row_index = torch::tensor(rows, torch::kLong);

      ResponseLogits cur = response_logits(policy_, sub_prompts, sub_completions, c.rollout.temperature);
      const int64_t width = cur.mask.size(1);
      torch::Tensor sub_mask = take(mask, row_index, width);
      torch::Tensor sub_adv = take(adv.advantages, row_index, width).to(torch::kFloat);
      PolicyLoss pg = clipped_policy_loss(cur.logprobs, take(scored.old_logp, row_index, width), sub_adv, sub_mask,
                                          clip, agg, norm_length);
      torch::Tensor loss = pg.loss;
      if (c.kl.mode == KlMode::kLoss) {
        torch::Tensor kl =
            aggregate_loss(kl_estimate(cur.logprobs, take(scored.ref_logp, row_index, width), c.kl.estimator),
                           sub_mask, agg, norm_length);
        u.sum_kl += kl.item<double>();
        loss = loss + c.kl.coef * kl;
      }
      if (c.loss.entropy_coef != 0)
        loss = loss - c.loss.entropy_coef * aggregate_loss(entropy_from_logits(cur.logits), sub_mask, agg,
                                                           norm_length);
      if (epoch == 0) {  // policy entropy on each mini-batch as the first epoch reaches it
        torch::NoGradGuard no_grad;
        u.entropy_sum += (entropy_from_logits(cur.logits) * sub_mask).sum().item<double>();
        u.entropy_tokens += sub_mask.sum().item<double>();
      }
      policy_opt_->zero_grad();
      loss.backward();
      u.sum_gn += model::clip_grad_norm(policy_opt_->params(), max_norm);
      policy_opt_->step(lr);
      u.sum_pg += pg.loss.item<double>();
      u.sum_clip += pg.clip_fraction;
      u.sum_dual += pg.dual_clip_fraction;
      u.sum_approx_kl += pg.approx_kl;

      if (value_) {
        torch::Tensor v = value_->values(sub_prompts, sub_completions);
        ValueLoss vl = clipped_value_loss(v, take(scored.old_values, row_index, width),
                                          take(adv.returns, row_index, width).to(torch::kFloat), sub_mask,
                                          c.value.clip, agg, norm_length);
        value_opt_->zero_grad();
        (c.value.coef * vl.loss).backward();
        model::clip_grad_norm(value_opt_->params(), max_norm);
        value_opt_->step(c.value.lr * learning_rate_factor());
        u.sum_vloss += vl.loss.item<double>();
        u.sum_vclip += vl.clip_fraction;
      }
      ++u.updates;
    }
  }
  return u;
}

Metrics RlTrainer::evaluate() {
  const RlConfig& c = config_;
  Metrics m;
  m.emplace_back("step", static_cast<double>(step_));
  if (c.eval.problems == 0) return m;
  std::vector<tasks::Problem> problems;
  std::vector<uint64_t> keys;
  for (int64_t i = 0; i < c.eval.problems; ++i) {
    problems.push_back(family_.generate(tasks::Split::test, static_cast<uint64_t>(i), difficulty(), c.task.seed));
    keys.push_back(static_cast<uint64_t>(i));
  }
  model::SamplingOptions sampling =
      sampling_options(c.eval.temperature, c.eval.top_p, c.rollout.max_response_tokens);
  Rollouts r = sample_rollouts(policy_, tokenizer_, family_, problems, keys, c.eval.samples, sampling, false, c,
                               SeedPurpose::kEval);
  std::vector<int64_t> correct(problems.size(), 0);
  double reward = 0, length = 0;
  for (int64_t i = 0; i < r.rows(); ++i) {
    correct[r.group[i]] += r.correct[i];
    reward += r.scores[i];
    length += static_cast<double>(r.completions[i].size());
  }
  for (int64_t k : metrics::default_ks(c.eval.samples)) {
    double sum = 0;
    for (int64_t cnt : correct) sum += metrics::pass_at_k(c.eval.samples, cnt, k);
    m.emplace_back(fmt::format("pass@{}", k), sum / static_cast<double>(problems.size()));
  }
  m.emplace_back("reward", reward / static_cast<double>(r.rows()));
  m.emplace_back("response_length", length / static_cast<double>(r.rows()));
  {
    torch::NoGradGuard no_grad;
    std::vector<std::vector<int>> prompts = r.row_prompts();
    ResponseLogits cur = response_logits(policy_, prompts, r.completions);
    torch::Tensor ref = response_logits(reference_, prompts, r.completions).logprobs;
    m.emplace_back("entropy", masked_mean(entropy_from_logits(cur.logits), cur.mask).item<double>());
    m.emplace_back("kl_ref", masked_mean(cur.logprobs - ref, cur.mask).item<double>());
  }
  return m;
}

void RlTrainer::save_state(const std::filesystem::path& file) const {
  model::NamedTensors tensors;
  for (auto& [name, t] : policy_->named_weights()) tensors.emplace_back("policy." + name, t.detach());
  for (auto& [name, t] : policy_opt_->state()) tensors.emplace_back("policy_opt." + name, t);
  if (config_.kl.reset_every > 0)  // the reference is no longer the base model
    for (auto& [name, t] : reference_->named_weights()) tensors.emplace_back("reference." + name, t.detach());
  if (value_) {
    for (auto& [name, t] : value_->named_weights()) tensors.emplace_back("value." + name, t.detach());
    for (auto& [name, t] : value_opt_->state()) tensors.emplace_back("value_opt." + name, t);
  }
  std::map<std::string, std::string> meta;
  meta["step"] = std::to_string(step_);
  meta["next_problem"] = std::to_string(next_problem_);
  meta["policy_opt_steps"] = std::to_string(policy_opt_->steps());
  meta["value_opt_steps"] = std::to_string(value_opt_ ? value_opt_->steps() : 0);
  meta["config"] = resumable_config(config_);
  model::write_safetensors(file, tensors, meta);
}

void RlTrainer::load_state(const std::filesystem::path& file) {
  model::SafetensorsFile f = model::read_safetensors(file);
  const std::string src = file.string();
  auto meta = [&](const std::string& key) -> std::string {
    auto it = f.metadata.find(key);
    if (it == f.metadata.end()) throw InputError(src, 0, key, "missing from the RL state's metadata");
    return it->second;
  };
  if (meta("config") != resumable_config(config_))
    throw InputError(src, 0, "config",
                     "the saved run used different options; resume with the same options or use a new --out");
  {
    torch::NoGradGuard no_grad;
    model::load_into(f, policy_->named_weights(), src, "policy.", true);
    model::load_into(f, policy_opt_->state_targets(), src, "policy_opt.", true);
    if (config_.kl.reset_every > 0) model::load_into(f, reference_->named_weights(), src, "reference.", true);
    if (value_) {
      model::load_into(f, value_->named_weights(), src, "value.", true);
      model::load_into(f, value_opt_->state_targets(), src, "value_opt.", true);
    }
  }
  try {
    step_ = std::stoll(meta("step"));
    next_problem_ = std::stoull(meta("next_problem"));
    policy_opt_->set_steps(std::stoll(meta("policy_opt_steps")));
    if (value_opt_) value_opt_->set_steps(std::stoll(meta("value_opt_steps")));
  } catch (const std::logic_error&) {
    throw InputError(src, 0, "step", "counters in the metadata are not integers");
  }
}

}  // namespace rlvr::train
