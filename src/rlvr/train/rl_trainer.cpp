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
  // Linear warm-up over the first warmup_steps RL steps (verl counts steps).
  if (config_.optim.warmup_steps <= 0) return 1.0;
  return std::min(1.0, static_cast<double>(step_ + 1) / static_cast<double>(config_.optim.warmup_steps));
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

Metrics RlTrainer::step() {
  const RlConfig& c = config_;
  const AdvantageEstimator& estimator = advantage_estimator(c.advantage.estimator);
  Metrics m;
  auto t0 = std::chrono::steady_clock::now();

  // 1. Rollouts; with dynamic sampling, rounds until the batch is full.
  model::SamplingOptions sampling =
      sampling_options(c.rollout.temperature, c.rollout.top_p, c.rollout.max_response_tokens);
  sampling.ignore_eos = c.rollout.ignore_eos;
  Rollouts batch;
  int64_t rounds = 0, generated_rows = 0, generated_groups = 0, equal_groups = 0;
  double reward_sum = 0, correct_sum = 0, length_sum = 0;
  while (true) {
    std::vector<uint64_t> keys;
    std::vector<tasks::Problem> problems = next_train_problems(keys);
    Rollouts round = sample_rollouts(policy_, tokenizer_, family_, problems, keys, c.rollout.group_size,
                                     sampling, estimator.needs_greedy_baseline, c, SeedPurpose::kTrain);
    ++rounds;
    std::vector<std::vector<double>> group_scores;
    for (int64_t g = 0; g < round.groups(); ++g) {
      group_scores.push_back(round.group_scores(g));
      equal_groups += !group_is_informative(group_scores.back()) || group_scores.back().size() == 1;
    }
    generated_groups += round.groups();
    for (int64_t i = 0; i < round.rows(); ++i) {
      reward_sum += round.scores[i];
      correct_sum += round.correct[i];
      length_sum += static_cast<double>(round.completions[i].size());
    }
    generated_rows += round.rows();
    if (!c.dynamic_sampling.enabled) {
      batch = std::move(round);
      break;
    }
    GroupSelection sel = select_groups(group_scores, batch.groups(), c.rollout.prompts_per_step, rounds,
                                       c.dynamic_sampling.max_rounds);
    for (int64_t g : sel.keep) batch.append_group(round, g);
    if (sel.decision != SamplingDecision::kSampleMore) break;
  }
  double t_sample = seconds_since(t0);
  m.emplace_back("step", static_cast<double>(step_ + 1));
  m.emplace_back("reward", reward_sum / static_cast<double>(generated_rows));
  m.emplace_back("accuracy", correct_sum / static_cast<double>(generated_rows));
  m.emplace_back("response_length", length_sum / static_cast<double>(generated_rows));
  m.emplace_back("equal_score_group_fraction",
                 static_cast<double>(equal_groups) / static_cast<double>(generated_groups));
  m.emplace_back("generation_rounds", static_cast<double>(rounds));
  m.emplace_back("batch_groups", static_cast<double>(batch.groups()));

  const double lr = c.optim.lr * learning_rate_factor();
  m.emplace_back("lr", lr);
  if (batch.rows() == 0) {
    // Dynamic sampling kept nothing within its round cap: no update this step.
    ++step_;
    m.emplace_back("skipped", 1.0);
    m.emplace_back("time_sample_s", t_sample);
    return m;
  }

  // 2. Old-policy and reference log-probs (and values) of the batch.
  auto t1 = std::chrono::steady_clock::now();
  std::vector<std::vector<int>> prompts = batch.row_prompts();
  const auto& completions = batch.completions;
  torch::Tensor old_logp, ref_logp, mask, old_values;
  const bool need_ref = c.kl.mode != KlMode::kNone;
  {
    torch::NoGradGuard no_grad;
    if (c.rollout.recompute_logprobs) {
      ResponseLogits old = response_logits(policy_, prompts, completions);
      old_logp = old.logprobs;
      mask = old.mask;
    } else {
      std::tie(old_logp, mask) = batch.logprob_tensor();
    }
    if (need_ref) ref_logp = response_logits(reference_, prompts, completions).logprobs;
    if (value_) old_values = value_->values(prompts, completions);
  }
  double t_score = seconds_since(t1);

  // 3. Token rewards and advantages.
  auto t2 = std::chrono::steady_clock::now();
  const KlEstimator kl_est = c.kl.estimator;
  torch::Tensor token_rewards = token_level_scores(batch.scores, mask);
  if (c.kl.mode == KlMode::kReward)
    token_rewards = apply_kl_in_reward(token_rewards, old_logp, ref_logp, mask, kl_est, c.kl.coef);
  AdvantageInputs in;
  in.token_rewards = token_rewards;
  in.mask = mask;
  in.group = batch.group;
  in.values = old_values;
  if (estimator.needs_greedy_baseline) {
    std::vector<float> b;
    for (int64_t g : batch.group) b.push_back(static_cast<float>(batch.greedy_scores[g]));
    in.baseline_scores = torch::tensor(b);
  }
  AdvantageOptions aopt{c.advantage.gamma, c.advantage.lambda, c.advantage.eps, c.advantage.norm_by_std};
  AdvantageResult adv = estimator.compute(in, aopt);
  m.emplace_back("zero_advantage_group_fraction", zero_advantage_group_fraction(adv.advantages, mask, batch.group));
  m.emplace_back("advantage_abs_mean", masked_mean(adv.advantages.abs(), mask).item<double>());
  if (need_ref) m.emplace_back("kl_ref", masked_mean(old_logp - ref_logp, mask).item<double>());

  // 4. Epochs x mini-batches of updates.
  const LossAggregation agg = c.loss.agg_mode;
  const double norm_length = static_cast<double>(c.resolved_norm_length());
  ClipOptions clip{c.loss.clip_low, c.loss.clip_high, c.loss.dual_clip_c};
  const double max_norm = c.optim.grad_clip > 0 ? c.optim.grad_clip : std::numeric_limits<double>::infinity();
  std::vector<std::vector<int64_t>> rows_of(batch.groups());
  for (int64_t i = 0; i < batch.rows(); ++i) rows_of[batch.group[i]].push_back(i);
  double sum_pg = 0, sum_kl = 0, sum_clip = 0, sum_dual = 0, sum_approx_kl = 0, sum_gn = 0;
  double sum_vloss = 0, sum_vclip = 0, entropy_sum = 0, entropy_tokens = 0;
  int64_t updates = 0;
  for (int64_t epoch = 0; epoch < c.optim.epochs; ++epoch) {
    std::vector<int64_t> order(batch.groups());
    for (int64_t g = 0; g < batch.groups(); ++g) order[g] = g;
    std::mt19937_64 rng(derive_seed(c.run.seed, {kShuffleStream, static_cast<uint64_t>(step_),
                                                 static_cast<uint64_t>(epoch)}));
    for (int64_t i = batch.groups() - 1; i > 0; --i)
      std::swap(order[i], order[static_cast<int64_t>(rng() % static_cast<uint64_t>(i + 1))]);
    for (int64_t start = 0; start < batch.groups(); start += c.optim.minibatch_prompts) {
      std::vector<int64_t> rows;
      for (int64_t k = start; k < std::min<int64_t>(start + c.optim.minibatch_prompts, batch.groups()); ++k)
        rows.insert(rows.end(), rows_of[order[k]].begin(), rows_of[order[k]].end());
      std::vector<std::vector<int>> sub_prompts, sub_completions;
      for (int64_t r : rows) {
        sub_prompts.push_back(prompts[r]);
        sub_completions.push_back(completions[r]);
      }
      torch::Tensor row_index = torch::tensor(rows, torch::kLong);

      ResponseLogits cur = response_logits(policy_, sub_prompts, sub_completions);
      const int64_t width = cur.mask.size(1);
      torch::Tensor sub_mask = take(mask, row_index, width);
      torch::Tensor sub_adv = take(adv.advantages, row_index, width).to(torch::kFloat);
      PolicyLoss pg = clipped_policy_loss(cur.logprobs, take(old_logp, row_index, width), sub_adv, sub_mask,
                                          clip, agg, norm_length);
      torch::Tensor loss = pg.loss;
      if (c.kl.mode == KlMode::kLoss) {
        torch::Tensor kl = aggregate_loss(kl_estimate(cur.logprobs, take(ref_logp, row_index, width), kl_est),
                                          sub_mask, agg, norm_length);
        sum_kl += kl.item<double>();
        loss = loss + c.kl.coef * kl;
      }
      if (c.loss.entropy_coef != 0)
        loss = loss - c.loss.entropy_coef * aggregate_loss(entropy_from_logits(cur.logits), sub_mask, agg,
                                                           norm_length);
      if (epoch == 0) {  // policy entropy on each mini-batch as the first epoch reaches it
        torch::NoGradGuard no_grad;
        entropy_sum += (entropy_from_logits(cur.logits) * sub_mask).sum().item<double>();
        entropy_tokens += sub_mask.sum().item<double>();
      }
      policy_opt_->zero_grad();
      loss.backward();
      sum_gn += model::clip_grad_norm(policy_opt_->params(), max_norm);
      policy_opt_->step(lr);
      sum_pg += pg.loss.item<double>();
      sum_clip += pg.clip_fraction;
      sum_dual += pg.dual_clip_fraction;
      sum_approx_kl += pg.approx_kl;

      if (value_) {
        torch::Tensor v = value_->values(sub_prompts, sub_completions);
        ValueLoss vl = clipped_value_loss(v, take(old_values, row_index, width),
                                          take(adv.returns, row_index, width).to(torch::kFloat), sub_mask,
                                          c.value.clip, agg, norm_length);
        value_opt_->zero_grad();
        (c.value.coef * vl.loss).backward();
        model::clip_grad_norm(value_opt_->params(), max_norm);
        value_opt_->step(c.value.lr * learning_rate_factor());
        sum_vloss += vl.loss.item<double>();
        sum_vclip += vl.clip_fraction;
      }
      ++updates;
    }
  }
  const double u = static_cast<double>(std::max<int64_t>(updates, 1));
  m.emplace_back("entropy", entropy_sum / std::max(entropy_tokens, 1.0));
  m.emplace_back("pg_loss", sum_pg / u);
  m.emplace_back("kl_loss", sum_kl / u);
  m.emplace_back("clip_fraction", sum_clip / u);
  m.emplace_back("dual_clip_fraction", sum_dual / u);
  m.emplace_back("approx_kl", sum_approx_kl / u);
  m.emplace_back("grad_norm", sum_gn / u);
  if (value_) {
    m.emplace_back("value_loss", sum_vloss / u);
    m.emplace_back("value_clip_fraction", sum_vclip / u);
  }
  m.emplace_back("updates", static_cast<double>(updates));
  m.emplace_back("time_sample_s", t_sample);
  m.emplace_back("time_score_s", t_score);
  m.emplace_back("time_update_s", seconds_since(t2));
  ++step_;
  return m;
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
