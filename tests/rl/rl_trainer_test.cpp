// The trainer on a tiny addition model: the forward pass agrees with the
// engine's scorer, the surrogate's gradient through the transformer matches a
// finite difference, every algorithm raises reward and held-out pass@1, and a
// resumed run ends bit for bit where an uninterrupted one does.
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "rlvr/model/score.h"
#include "rlvr/train/rl_rollout.h"
#include "rlvr/train/rl_run.h"
#include "rlvr/train/rl_trainer.h"
#include "rlvr/util/error.h"
#include "rl_test_support.h"

using namespace rlvr;
using namespace rlvr::train;
using namespace rlvr::train::testing;

namespace {

bool same_weights(model::Transformer& a, model::Transformer& b) {
  auto wa = a->named_weights(), wb = b->named_weights();
  if (wa.size() != wb.size()) return false;
  for (size_t i = 0; i < wa.size(); ++i)
    if (!torch::equal(wa[i].second, wb[i].second)) return false;
  return true;
}

std::vector<std::vector<int>> some_prompts(const model::Tokenizer& tok, int n) {
  const tasks::TaskFamily& family = tasks::family(kTask);
  std::vector<std::vector<int>> out;
  for (int i = 0; i < n; ++i)
    out.push_back(tok.encode(family.generate(tasks::Split::train, i, kDifficulty, 5).prompt));
  return out;
}

}  // namespace

TEST(ResponseLogits, AgreesWithTheEngineScorer) {
  const auto& base = tiny_base();
  auto prompts = some_prompts(base.tokenizer, 5);
  std::vector<std::vector<int>> completions = {{3, 4, 2}, {5}, {6, 7, 8, 9, 2}, {2}, {10, 11}};
  torch::NoGradGuard g;
  model::Transformer m = clone_model(base.model);
  ResponseLogits r = response_logits(m, prompts, completions);
  model::ScoredBatch s = model::score_batch(m, prompts, completions);
  ASSERT_EQ(r.logprobs.sizes(), s.logprobs.sizes());
  EXPECT_TRUE(torch::equal(r.mask, s.mask));
  EXPECT_LT((r.logprobs - s.logprobs * s.mask).abs().max().item<double>(), 1e-4);
}

// The trainer takes the old-policy log-probs from the sampler by default: they
// must be what a forward pass computes.
TEST(Rollouts, SamplerLogprobsEqualAForwardPass) {
  const auto& base = tiny_base();
  const tasks::TaskFamily& family = tasks::family(kTask);
  RlConfig c = small_rl_config("grpo");
  std::vector<tasks::Problem> problems;
  for (uint64_t i = 0; i < 4; ++i) problems.push_back(family.generate(tasks::Split::train, i, kDifficulty, 1));
  model::SamplingOptions s;
  s.max_new_tokens = 32;
  model::Transformer m = clone_model(base.model);
  Rollouts r = sample_rollouts(m, base.tokenizer, family, problems, {0, 1, 2, 3}, 4, s, true, c,
                               SeedPurpose::kTrain);
  EXPECT_EQ(r.rows(), 16);
  EXPECT_EQ(r.greedy_scores.size(), 4u);
  auto [lp, mask] = r.logprob_tensor();
  torch::NoGradGuard g;
  ResponseLogits f = response_logits(m, r.row_prompts(), r.completions);
  EXPECT_TRUE(torch::equal(mask, f.mask));
  EXPECT_LT((lp - f.logprobs).abs().max().item<double>(), 1e-4);
  for (int64_t i = 0; i < r.rows(); ++i)
    EXPECT_EQ(r.correct[i], family.verify(problems[r.group[i]], r.texts[i]).correct);
}

// Directional derivative of the GRPO objective (surrogate + k3 KL loss) through
// the whole transformer against a central difference along a random unit
// direction. Ratios stay inside the clip range here (the clip's kinks are
// checked on the linear policy), so the objective is smooth along the line.
TEST(GradientCheck, SurrogateThroughTransformerMatchesFiniteDifference) {
  const auto& base = tiny_base();
  model::Transformer m = clone_model(base.model);
  auto prompts = some_prompts(base.tokenizer, 4);
  std::vector<std::vector<int>> completions = {{3, 4, 2}, {5, 6}, {6, 7, 8, 9, 2}, {8}};
  torch::Tensor old_logp, ref_logp;
  torch::manual_seed(1);
  auto params = m->named_weights();
  std::vector<torch::Tensor> dir;
  double norm2 = 0;
  for (auto& [n, p] : params) {
    dir.push_back(torch::randn_like(p));
    norm2 += dir.back().square().sum().item<double>();
  }
  for (auto& d : dir) d.div_(std::sqrt(norm2));
  {
    torch::NoGradGuard g;
    ResponseLogits r = response_logits(m, prompts, completions);
    old_logp = r.logprobs + 0.03 * torch::randn_like(r.logprobs);
    ref_logp = r.logprobs - 0.2;
  }
  torch::Tensor adv = torch::tensor(std::vector<float>{1.0f, -0.5f, 0.7f, -1.2f}).unsqueeze(1);
  auto objective = [&]() {
    ResponseLogits r = response_logits(m, prompts, completions);
    torch::Tensor a = adv.expand_as(r.logprobs);
    PolicyLoss p = clipped_policy_loss(r.logprobs, old_logp, a, r.mask, {0.2, 0.28, 3.0},
                                       LossAggregation::kTokenMean, 0);
    return p.loss + 0.1 * aggregate_loss(kl_estimate(r.logprobs, ref_logp, KlEstimator::kK3), r.mask,
                                         LossAggregation::kTokenMean, 0);
  };
  for (auto& [n, p] : params) p.mutable_grad() = torch::Tensor();
  objective().backward();
  double analytic = 0;
  for (size_t i = 0; i < params.size(); ++i) analytic += (params[i].second.grad() * dir[i]).sum().item<double>();
  const double h = 1e-2;
  auto shifted = [&](double s) {
    torch::NoGradGuard g;
    for (size_t i = 0; i < params.size(); ++i) params[i].second.add_(dir[i], s);
    double v = objective().item<double>();
    for (size_t i = 0; i < params.size(); ++i) params[i].second.sub_(dir[i], s);
    return v;
  };
  double numeric = (shifted(h) - shifted(-h)) / (2 * h);
  std::printf("directional derivative: analytic %.6f, central difference %.6f\n", analytic, numeric);
  EXPECT_GT(std::abs(analytic), 1e-2);
  EXPECT_NEAR(numeric, analytic, 0.02 * std::abs(analytic) + 1e-4);
}

class EveryAlgorithm : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryAlgorithm, RaisesRewardAndHeldOutPassAt1) {
  RlConfig c = small_rl_config(GetParam());
  c.run.seed = 3;
  RlTrainer trainer(c, tiny_base(), tasks::family(kTask));
  Metrics start = trainer.evaluate();
  double before = metric(start, "pass@1");
  // Training reward (the verifier's 1/0, no shaping is on at these lengths)
  // averaged over the first and the last five steps (320 samples each).
  const int steps = 20, window = 5;
  double first_reward = 0, last_reward = 0;
  for (int s = 0; s < steps; ++s) {
    Metrics m = trainer.step();
    double acc = metric(m, "accuracy");
    if (s < window) first_reward += acc / window;
    if (s >= steps - window) last_reward += acc / window;
  }
  Metrics end = trainer.evaluate();
  double after = metric(end, "pass@1");
  std::printf("%s: held-out pass@1 %.3f -> %.3f, train accuracy %.3f -> %.3f\n", GetParam().c_str(), before,
              after, first_reward, last_reward);
  EXPECT_GT(after, before + 0.05);
  EXPECT_GT(metric(end, "reward"), metric(start, "reward"));
  EXPECT_GT(last_reward, first_reward);
}

// Held-out pass@k is reported for k = 1, 2, 4, .., n and n itself, never
// falls as k grows, and pass@1 is the share of correct samples (the reward,
// with no shaping on at these lengths).
TEST(Evaluate, ReportsPassAtKForPowersOfTwoAndN) {
  RlConfig c = small_rl_config("grpo");
  c.eval.problems = 12;
  c.eval.samples = 6;
  RlTrainer trainer(c, tiny_base(), tasks::family(kTask));
  Metrics m = trainer.evaluate();
  std::vector<std::string> keys;
  std::vector<double> values;
  for (const auto& [name, value] : m) {
    if (!name.starts_with("pass@")) continue;
    keys.push_back(name);
    values.push_back(value);
  }
  EXPECT_EQ(keys, (std::vector<std::string>{"pass@1", "pass@2", "pass@4", "pass@6"}));
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_GE(values[i], 0.0);
    EXPECT_LE(values[i], 1.0);
    if (i > 0) EXPECT_GE(values[i], values[i - 1]) << keys[i];
  }
  EXPECT_NEAR(metric(m, "pass@1"), metric(m, "reward"), 1e-12);
  EXPECT_GT(metric(m, "pass@6"), metric(m, "pass@1"));  // the tiny model is right only part of the time
}

INSTANTIATE_TEST_SUITE_P(Rl, EveryAlgorithm,
                         ::testing::Values("ppo", "grpo", "dr_grpo", "rloo", "reinforce_pp",
                                           "reinforce_pp_baseline", "remax", "dapo"),
                         [](const auto& info) { return info.param; });

TEST(Resume, SavedAndReloadedRunEndsWithTheSameWeights) {
  for (const char* algo : {"grpo", "ppo"}) {
    RlConfig c = small_rl_config(algo);
    c.rollout.prompts_per_step = 4;
    c.optim.minibatch_prompts = 2;
    RlTrainer straight(c, tiny_base(), tasks::family(kTask));
    for (int s = 0; s < 4; ++s) straight.step();

    auto dir = fresh_dir(std::string("resume_") + algo);
    {
      RlTrainer first(c, tiny_base(), tasks::family(kTask));
      first.step();
      first.step();
      first.save_state(dir / "state.safetensors");
    }
    RlTrainer second(c, tiny_base(), tasks::family(kTask));
    second.load_state(dir / "state.safetensors");
    EXPECT_EQ(second.steps_done(), 2);
    second.step();
    second.step();
    EXPECT_TRUE(same_weights(straight.policy(), second.policy())) << algo;
    // A state saved under other options is refused.
    RlConfig other = c;
    other.loss.clip_high = 0.3;
    RlTrainer third(other, tiny_base(), tasks::family(kTask));
    EXPECT_THROW(third.load_state(dir / "state.safetensors"), rlvr::InputError);
  }
}

TEST(RunRl, WritesModelMetricsAndResumesAfterAStop) {
  auto dir = fresh_dir("run");
  model::save_model(dir / "base", tiny_base().model, tiny_base().tokenizer);
  RlConfig c = small_rl_config("grpo");
  c.rollout.prompts_per_step = 4;
  c.optim.minibatch_prompts = 2;
  c.eval.problems = 8;
  c.eval.every = 2;
  c.run.checkpoint_every = 1;
  c.run.steps = 4;
  run_rl(c, {dir / "base", kTask, dir / "straight", "test"});
  // Stopped after 2 steps, then started again with the full length.
  c.run.steps = 2;
  run_rl(c, {dir / "base", kTask, dir / "resumed", "test"});
  c.run.steps = 4;
  run_rl(c, {dir / "base", kTask, dir / "resumed", "test"});
  model::LoadedModel a = model::load_model(dir / "straight");
  model::LoadedModel b = model::load_model(dir / "resumed");
  EXPECT_TRUE(same_weights(a.model, b.model));

  std::ifstream in(dir / "resumed" / "metrics.jsonl");
  std::string line;
  std::vector<int64_t> train_steps, eval_steps;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    if (j["kind"] == "train") {
      train_steps.push_back(j["step"].get<int64_t>());
    } else {
      eval_steps.push_back(j["step"].get<int64_t>());
      EXPECT_TRUE(j.contains("pass@1"));
      EXPECT_TRUE(j.contains("pass@4"));
    }
  }
  // No step repeated or lost across the restart.
  EXPECT_EQ(train_steps, (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(eval_steps, (std::vector<int64_t>{0, 2, 4}));
  EXPECT_TRUE(std::filesystem::exists(dir / "resumed" / "rl_run.json"));
}

// Rows grouped by length: every row in exactly one group, shortest groups
// first, and a group only where a pass costs less than the padding it saves.
TEST(ResponseLogits, LengthGroupsSplitWherePaddingCostsMoreThanAPass) {
  const std::vector<int64_t> lengths = {30, 2, 31, 3, 29, 1};
  auto cheap = length_groups(lengths, 0);  // a pass costs nothing: one group per distinct length
  EXPECT_EQ(cheap.size(), 6u);
  auto split = length_groups(lengths, 20);  // {1, 2, 3} and {29, 30, 31}: padding the short ones costs 84
  ASSERT_EQ(split.size(), 2u);
  EXPECT_EQ(split[0], (std::vector<int64_t>{5, 1, 3}));
  EXPECT_EQ(split[1], (std::vector<int64_t>{4, 0, 2}));
  auto whole = length_groups(lengths, 1000);
  ASSERT_EQ(whole.size(), 1u);
  EXPECT_EQ(whole[0].size(), lengths.size());
  EXPECT_TRUE(length_groups({}, 10).empty());
}

// Rows that share a prompt compute it once: the log-probs and their gradients
// are those of computing every row in full.
TEST(ResponseLogits, SharedPromptsGiveTheSameLogprobsAndGradients) {
  const auto& base = tiny_base();
  auto distinct = some_prompts(base.tokenizer, 3);
  distinct[1].resize(3);                                         // prompts of different lengths,
  distinct[2].insert(distinct[2].end(), {5, 6, 7, 8});          // so that shorter ones are padded
  // Groups of 3, 1 and 2 rows; completions of different lengths, one of a single token.
  std::vector<std::vector<int>> prompts = {distinct[0], distinct[0], distinct[0], distinct[1], distinct[2],
                                           distinct[2]};
  std::vector<std::vector<int>> completions = {{3, 4, 2}, {5}, {6, 7, 8, 9, 2}, {2}, {10, 11}, {12, 13, 14, 2}};
  model::Transformer m = clone_model(base.model);
  auto params = m->named_weights();
  auto run = [&](bool share, int64_t group_cost = kGroupCostTokens) {
    for (auto& [n, p] : params) p.mutable_grad() = torch::Tensor();
    ResponseLogits r = response_logits(m, prompts, completions, 1.0, share, group_cost);
    (r.logprobs * torch::linspace(0.5, 1.5, r.logprobs.size(1))).sum().backward();
    std::vector<torch::Tensor> grads;
    for (auto& [n, p] : params) grads.push_back(p.grad().clone());
    return std::make_pair(r, grads);
  };
  auto [full, full_grads] = run(false);
  // One pass for all completions, and (group cost 0) a pass per completion length.
  ASSERT_EQ(length_groups({2, 0, 4, 0, 1, 3}, 0).size(), 5u);
  for (int64_t group_cost : {kGroupCostTokens, int64_t{0}}) {
    auto [shared, shared_grads] = run(true, group_cost);
    ASSERT_EQ(shared.logprobs.sizes(), full.logprobs.sizes());
    EXPECT_TRUE(torch::equal(shared.mask, full.mask));
    EXPECT_LT((shared.logprobs - full.logprobs).abs().max().item<double>(), 1e-4) << group_cost;
    EXPECT_LT(((shared.logits - full.logits) * full.mask.unsqueeze(-1)).abs().max().item<double>(), 1e-4);
    for (size_t i = 0; i < params.size(); ++i) {
      double scale = full_grads[i].abs().max().item<double>() + 1e-6;
      EXPECT_LT((shared_grads[i] - full_grads[i]).abs().max().item<double>() / scale, 1e-4)
          << params[i].first << ", group cost " << group_cost;
    }
  }
  // Without gradients too, and with every completion one token long.
  torch::NoGradGuard g;
  std::vector<std::vector<int>> single(prompts.size(), std::vector<int>{2});
  EXPECT_LT((response_logits(m, prompts, single, 1.0, true).logprobs -
             response_logits(m, prompts, single, 1.0, false).logprobs)
                .abs()
                .max()
                .item<double>(),
            1e-4);
}

// An untrained model is never right, but its completions differ in length, so
// overlong shaping over the whole length gives the rows of a group different
// scores. DAPO's recipe filters on the verdict: every group is all wrong, so
// none is kept; filtering on the shaped score would keep them as a pure
// "be shorter" signal.
TEST(DynamicSampling, FiltersGroupsOnTheVerdictNotTheShapedScore) {
  const model::LoadedModel& fitted = tiny_base();
  model::LoadedModel untrained;
  untrained.tokenizer = fitted.tokenizer;
  untrained.model = model::make_transformer(fitted.model->config(), 99);
  RlConfig c = small_rl_config("dapo");
  c.rollout.prompts_per_step = 4;
  c.reward.overlong_buffer = c.rollout.max_response_tokens;  // a penalty at every length
  c.dynamic_sampling.max_rounds = 2;

  RlTrainer on_verdict(c, untrained, tasks::family(kTask));
  Metrics m = on_verdict.step();
  EXPECT_EQ(metric(m, "accuracy"), 0.0);
  EXPECT_EQ(metric(m, "batch_groups"), 0.0);
  EXPECT_EQ(metric(m, "skipped"), 1.0);
  EXPECT_EQ(metric(m, "generation_rounds"), 2.0);
  EXPECT_EQ(metric(m, "equal_score_group_fraction"), 1.0);

  c.dynamic_sampling.metric = FilterMetric::kScore;
  RlTrainer on_score(c, untrained, tasks::family(kTask));
  Metrics s = on_score.step();
  EXPECT_EQ(metric(s, "accuracy"), 0.0);
  EXPECT_GT(metric(s, "batch_groups"), 0.0);  // all-wrong groups kept for their lengths alone
}

// verl's constant schedule with warm-up: step s (from 0) uses lr * s / W.
TEST(Warmup, FirstStepUsesZeroLearningRate) {
  RlConfig c = small_rl_config("grpo");
  c.rollout.prompts_per_step = 2;
  c.optim.minibatch_prompts = 2;
  c.optim.warmup_steps = 4;
  RlTrainer trainer(c, tiny_base(), tasks::family(kTask));
  model::Transformer before = clone_model(trainer.policy());
  EXPECT_EQ(metric(trainer.step(), "lr"), 0.0);
  EXPECT_TRUE(same_weights(before, trainer.policy()));
  EXPECT_DOUBLE_EQ(metric(trainer.step(), "lr"), c.optim.lr / 4);
  EXPECT_DOUBLE_EQ(metric(trainer.step(), "lr"), c.optim.lr / 2);
}

// At a rollout temperature other than 1 the old, current and reference
// log-probs are all taken at that temperature: on the first update the
// policy is still the old one, so the ratio is 1 everywhere.
TEST(Temperature, LogprobsOfTheLossAreAtTheRolloutTemperature) {
  const auto& base = tiny_base();
  std::vector<std::vector<int>> prompts = {base.tokenizer.encode("12+34=")};
  std::vector<std::vector<int>> completions = {base.tokenizer.encode("46")};
  {
    model::Transformer m = clone_model(base.model);
    torch::NoGradGuard g;
    ResponseLogits plain = response_logits(m, prompts, completions);
    ResponseLogits warm = response_logits(m, prompts, completions, 0.5);
    torch::Tensor want = (plain.logits / 0.5).log_softmax(-1);
    for (size_t t = 0; t < completions[0].size(); ++t)
      EXPECT_NEAR(warm.logprobs[0][t].item<double>(), want[0][t][completions[0][t]].item<double>(), 1e-5);
  }

  RlConfig c = small_rl_config("grpo");
  c.rollout.temperature = 0.6;
  c.optim.minibatch_prompts = 0;  // one update: its ratio compares the policy with itself
  RlTrainer trainer(c, base, tasks::family(kTask));
  Metrics m = trainer.step();
  EXPECT_EQ(metric(m, "updates"), 1.0);
  EXPECT_LT(std::abs(metric(m, "approx_kl")), 1e-5);
  EXPECT_EQ(metric(m, "clip_fraction"), 0.0);
  EXPECT_LT(std::abs(metric(m, "kl_ref")), 1e-5);  // the policy is still the reference
}

// kl.reset_every: the reference becomes the current policy every N steps,
// and a resumed run keeps the reference it had.
TEST(ReferenceReset, CopiesThePolicyAndSurvivesAResume) {
  RlConfig c = small_rl_config("grpo");
  c.rollout.prompts_per_step = 4;
  c.optim.minibatch_prompts = 2;
  c.optim.lr = 5e-3;  // large steps: the policy moves away from the reference at once
  RlConfig reset = c;
  reset.kl.reset_every = 2;

  RlTrainer plain(c, tiny_base(), tasks::family(kTask));
  RlTrainer straight(reset, tiny_base(), tasks::family(kTask));
  for (int s = 0; s < 2; ++s) {
    plain.step();
    straight.step();
  }
  // Step 3 starts by copying the policy: its old and reference log-probs agree.
  EXPECT_GT(std::abs(metric(plain.step(), "kl_ref")), 1e-4);
  EXPECT_LT(std::abs(metric(straight.step(), "kl_ref")), 1e-6);
  straight.step();

  auto dir = fresh_dir("reference_reset");
  {
    RlTrainer first(reset, tiny_base(), tasks::family(kTask));
    for (int s = 0; s < 3; ++s) first.step();
    first.save_state(dir / "state.safetensors");
  }
  RlTrainer second(reset, tiny_base(), tasks::family(kTask));
  second.load_state(dir / "state.safetensors");
  second.step();  // step 4: no reset, the reference is the one copied at step 3
  EXPECT_TRUE(same_weights(straight.policy(), second.policy()));
}

// The pass@k preset trains through the whole step: the advantages come from
// the rows' verdicts, and groups where every draw of k holds a right answer
// (or none can) carry no signal.
TEST(PassAtKTraining, StepsWithTheVerdictsOfTheRows) {
  RlConfig c = small_rl_config("grpo_passk");
  c.rollout.prompts_per_step = 4;
  RlTrainer trainer(c, tiny_base(), tasks::family(kTask));
  for (int s = 0; s < 2; ++s) {
    Metrics m = trainer.step();
    EXPECT_TRUE(std::isfinite(metric(m, "pg_loss")));
    EXPECT_GT(metric(m, "updates"), 0.0);
    EXPECT_GE(metric(m, "zero_advantage_group_fraction"), 0.0);
  }
}
