// Presets hold the reference defaults; every piece is an option of its own;
// bad options are reported with the key and what was expected.
#include <filesystem>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "rlvr/train/rl_advantages.h"
#include "rlvr/train/rl_config.h"
#include "rlvr/util/error.h"

using namespace rlvr::train;
namespace fs = std::filesystem;

TEST(Presets, ReproduceReferenceDefaults) {
  RlConfig grpo = rl_preset("grpo");
  EXPECT_EQ(grpo.advantage.estimator, "grpo");
  EXPECT_TRUE(grpo.advantage.norm_by_std);
  EXPECT_EQ(grpo.kl.mode, KlMode::kLoss);
  EXPECT_EQ(grpo.kl.estimator, KlEstimator::kK3);
  EXPECT_DOUBLE_EQ(grpo.kl.coef, 0.001);
  EXPECT_DOUBLE_EQ(grpo.loss.clip_low, 0.2);
  EXPECT_DOUBLE_EQ(grpo.loss.clip_high, 0.2);
  EXPECT_DOUBLE_EQ(grpo.loss.dual_clip_c, 3.0);
  EXPECT_EQ(grpo.loss.agg_mode, LossAggregation::kTokenMean);
  EXPECT_DOUBLE_EQ(grpo.loss.entropy_coef, 0.0);

  RlConfig dr = rl_preset("dr_grpo");
  EXPECT_FALSE(dr.advantage.norm_by_std);
  EXPECT_EQ(dr.loss.agg_mode, LossAggregation::kSeqMeanTokenSumNorm);
  EXPECT_EQ(dr.kl.mode, KlMode::kNone);
  EXPECT_EQ(dr.resolved_norm_length(), dr.rollout.max_response_tokens);

  RlConfig ppo = rl_preset("ppo");
  EXPECT_EQ(ppo.advantage.estimator, "gae");
  EXPECT_DOUBLE_EQ(ppo.advantage.gamma, 1.0);
  EXPECT_DOUBLE_EQ(ppo.advantage.lambda, 1.0);
  EXPECT_DOUBLE_EQ(ppo.value.clip, 0.5);

  RlConfig dapo = rl_preset("dapo");
  EXPECT_DOUBLE_EQ(dapo.loss.clip_low, 0.2);
  EXPECT_DOUBLE_EQ(dapo.loss.clip_high, 0.28);
  EXPECT_TRUE(dapo.dynamic_sampling.enabled);
  EXPECT_TRUE(dapo.reward.overlong_enabled);
  EXPECT_EQ(dapo.kl.mode, KlMode::kNone);
  EXPECT_EQ(dapo.resolved_overlong_buffer(), dapo.rollout.max_response_tokens / 5);

  EXPECT_EQ(rl_preset("rloo").kl.mode, KlMode::kReward);
  EXPECT_EQ(rl_preset("reinforce_pp").advantage.estimator, "reinforce_pp");
  EXPECT_EQ(rl_preset("reinforce_pp_baseline").advantage.estimator, "reinforce_pp_baseline");
  EXPECT_EQ(rl_preset("remax").advantage.estimator, "remax");
  EXPECT_THROW(rl_preset("a2c"), rlvr::Error);
}

// Every option of every preset, written out from the references (verl's
// trainer defaults and example scripts, the DAPO recipe, OpenRLHF), so that a
// changed default or a new option is a test failure until it is checked
// against its reference here.
using OptionValues = std::map<std::string, std::string>;

OptionValues quick_scale_values() {
  return {
      {"advantage.estimator", "grpo"}, {"advantage.gamma", "1"}, {"advantage.lambda", "1"},
      {"advantage.eps", "1e-06"}, {"advantage.norm_by_std", "true"}, {"advantage.pass_k", "1"},
      {"rollout.prompts_per_step", "16"}, {"rollout.group_size", "8"}, {"rollout.max_response_tokens", "64"},
      {"rollout.temperature", "1"}, {"rollout.top_p", "1"}, {"rollout.recompute_logprobs", "false"},
      {"rollout.ignore_eos", "false"},
      {"reward.format_reward", "0"}, {"reward.overlong", "false"}, {"reward.overlong_max_len", "0"},
      {"reward.overlong_buffer", "0"}, {"reward.overlong_factor", "1"},
      {"dynamic_sampling.enabled", "false"}, {"dynamic_sampling.max_rounds", "10"},
      {"dynamic_sampling.metric", "acc"},
      {"loss.clip_low", "0.2"}, {"loss.clip_high", "0.2"}, {"loss.dual_clip_c", "3"},  // verl clip_ratio_c
      {"loss.agg_mode", "token-mean"}, {"loss.norm_length", "0"}, {"loss.entropy_coef", "0"},
      {"kl.mode", "none"}, {"kl.estimator", "k1"}, {"kl.coef", "0.001"}, {"kl.reset_every", "0"},
      {"value.clip", "0.5"}, {"value.coef", "1"}, {"value.lr", "0.0001"},
      {"optim.lr", "1e-05"}, {"optim.beta1", "0.9"}, {"optim.beta2", "0.999"}, {"optim.weight_decay", "0.01"},
      {"optim.warmup_steps", "0"}, {"optim.grad_clip", "1"}, {"optim.epochs", "1"},
      {"optim.minibatch_prompts", "4"},
      {"eval.every", "10"}, {"eval.problems", "64"}, {"eval.samples", "8"}, {"eval.temperature", "1"},
      {"eval.top_p", "1"},
      {"task.difficulty", "0"}, {"task.seed", "1"},
      {"run.steps", "50"}, {"run.seed", "1"}, {"run.threads", "1"}, {"run.checkpoint_every", "10"},
  };
}

OptionValues expected_preset(const std::string& name) {
  OptionValues v = quick_scale_values();
  auto set = [&](std::initializer_list<std::pair<const std::string, std::string>> changes) {
    for (const auto& [key, value] : changes) v.at(key) = value;
  };
  auto kl_in_reward = [&] { set({{"kl.mode", "reward"}, {"kl.estimator", "k1"}, {"kl.coef", "0.001"}}); };
  if (name == "ppo") set({{"advantage.estimator", "gae"}, {"value.clip", "0.5"}, {"value.lr", "0.0001"}});
  if (name == "grpo") set({{"kl.mode", "loss"}, {"kl.estimator", "k3"}, {"kl.coef", "0.001"}});
  if (name == "dr_grpo") set({{"advantage.norm_by_std", "false"}, {"loss.agg_mode", "seq-mean-token-sum-norm"}});
  if (name == "rloo") {
    set({{"advantage.estimator", "rloo"}});
    kl_in_reward();
  }
  if (name == "reinforce_pp" || name == "reinforce_pp_baseline") {
    set({{"advantage.estimator", name}, {"optim.minibatch_prompts", "0"}});  // one on-policy update
    kl_in_reward();
  }
  if (name == "remax") {
    set({{"advantage.estimator", "remax"}});
    kl_in_reward();
  }
  if (name == "grpo_passk")
    set({{"advantage.estimator", "passk"}, {"advantage.pass_k", "4"}, {"kl.mode", "loss"}, {"kl.estimator", "k3"},
         {"kl.coef", "0.001"}});
  if (name == "dapo")
    set({{"loss.clip_high", "0.28"}, {"loss.dual_clip_c", "10"}, {"dynamic_sampling.enabled", "true"},
         {"dynamic_sampling.metric", "acc"}, {"dynamic_sampling.max_rounds", "10"}, {"reward.overlong", "true"},
         {"reward.overlong_buffer", "0"}, {"reward.overlong_factor", "1"}, {"optim.weight_decay", "0.1"},
         {"optim.warmup_steps", "10"}, {"optim.minibatch_prompts", "1"}});
  return v;
}

bool same_value(const std::string& a, const std::string& b) {
  char* end_a = nullptr;
  char* end_b = nullptr;
  double x = std::strtod(a.c_str(), &end_a), y = std::strtod(b.c_str(), &end_b);
  if (!a.empty() && !b.empty() && *end_a == 0 && *end_b == 0) return std::abs(x - y) <= 1e-12 * std::abs(y);
  return a == b;
}

TEST(Presets, EveryOptionOfEveryPresetIsItsReferenceValue) {
  for (const std::string& name : rl_preset_names()) {
    RlConfig c = rl_preset(name);
    OptionValues want = expected_preset(name);
    size_t checked = 0;
    for (const RlOptionKey& key : rl_option_keys()) {
      auto it = want.find(key.key);
      ASSERT_NE(it, want.end()) << "option " << key.key << " has no reference value in this test";
      EXPECT_TRUE(same_value(rl_option_value(c, key.key), it->second))
          << name << ": " << key.key << " is " << rl_option_value(c, key.key) << ", reference " << it->second;
      ++checked;
    }
    EXPECT_EQ(checked, want.size()) << "the test names options that no longer exist";
  }
}

TEST(Presets, UpdatesPerStepFollowTheReferenceMiniBatches) {
  EXPECT_EQ(rl_preset("grpo").updates_per_step(), 4);           // verl: 1024 prompts / 256
  EXPECT_EQ(rl_preset("dapo").updates_per_step(), 16);          // the DAPO recipe: 512 prompts / 32
  EXPECT_EQ(rl_preset("reinforce_pp").updates_per_step(), 1);   // verl's example: mini-batch = batch
  EXPECT_EQ(rl_preset("reinforce_pp_baseline").updates_per_step(), 1);
  RlConfig c = rl_preset("reinforce_pp");
  c.rollout.prompts_per_step = 64;  // the whole batch whatever its size
  EXPECT_EQ(c.updates_per_step(), 1);
  c.optim.epochs = 2;
  EXPECT_EQ(c.updates_per_step(), 2);
}

TEST(Presets, EveryPresetIsValidAndUsesARegisteredEstimator) {
  for (const std::string& name : rl_preset_names()) {
    RlConfig c = rl_preset(name);
    EXPECT_EQ(c.algorithm, name);
    EXPECT_NO_THROW(validate(c)) << name;
    EXPECT_NO_THROW(advantage_estimator(c.advantage.estimator)) << name;
  }
  EXPECT_EQ(rl_preset_names().size(), 9u);
}

// The option descriptions list the names of the registries and closed sets.
TEST(Options, DescriptionsListTheRegisteredNames) {
  for (const RlOptionKey& k : rl_option_keys()) {
    if (k.key == "advantage.estimator") {
      for (const AdvantageEstimator& e : advantage_estimators())
        EXPECT_NE(k.description.find(e.name), std::string::npos) << e.name;
    }
    if (k.key == "loss.agg_mode") {
      for (auto a : {LossAggregation::kTokenMean, LossAggregation::kSeqMeanTokenSum,
                     LossAggregation::kSeqMeanTokenMean, LossAggregation::kSeqMeanTokenSumNorm})
        EXPECT_NE(k.description.find(option_name(a)), std::string::npos) << option_name(a);
    }
  }
  EXPECT_EQ(parse_kl_mode("reward"), KlMode::kReward);
  EXPECT_EQ(option_name(KlEstimator::kK3), "k3");
  EXPECT_THROW(parse_kl_estimator("k4"), rlvr::Error);
}

TEST(Options, SetEachPieceSeparately) {
  RlConfig c = rl_preset("grpo");
  apply_rl_assignment(c, "advantage.norm_by_std=false");
  apply_rl_assignment(c, "kl.mode = none");
  apply_rl_assignment(c, "loss.clip_high=0.28");
  apply_rl_assignment(c, "rollout.group_size=4");
  apply_rl_assignment(c, "run.seed=18446744073709551615");
  EXPECT_FALSE(c.advantage.norm_by_std);
  EXPECT_EQ(c.kl.mode, KlMode::kNone);
  EXPECT_DOUBLE_EQ(c.loss.clip_high, 0.28);
  EXPECT_EQ(c.rollout.group_size, 4);
  EXPECT_EQ(c.run.seed, 18446744073709551615ULL);
  EXPECT_EQ(rl_option_value(c, "loss.clip_high"), "0.28");
  EXPECT_EQ(rl_option_value(c, "advantage.norm_by_std"), "false");
}

TEST(Options, ErrorsNameKeyAndExpectedType) {
  RlConfig c;
  try {
    apply_rl_assignment(c, "rollout.group_size=many");
    FAIL() << "accepted a non-integer";
  } catch (const rlvr::InputError& e) {
    EXPECT_EQ(e.field(), "rollout.group_size");
    EXPECT_NE(std::string(e.what()).find("expected int"), std::string::npos) << e.what();
  }
  try {
    apply_rl_assignment(c, "kl.cofe=0.1");
    FAIL() << "accepted an unknown key";
  } catch (const rlvr::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown option"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("kl.coef"), std::string::npos);  // lists the known keys
  }
  EXPECT_THROW(apply_rl_assignment(c, "kl.coef"), rlvr::InputError);
  EXPECT_THROW(apply_rl_assignment(c, "loss.clip_low=nan"), rlvr::InputError);
  EXPECT_THROW(apply_rl_assignment(c, "advantage.norm_by_std=maybe"), rlvr::InputError);
  try {
    apply_rl_assignment(c, "kl.mode=both");
    FAIL() << "accepted an unknown KL mode";
  } catch (const rlvr::InputError& e) {
    EXPECT_EQ(e.field(), "kl.mode");
    EXPECT_NE(std::string(e.what()).find("expected one of none, reward, loss, got \"both\""), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(c.kl.mode, KlMode::kNone);  // unchanged
  c.advantage.estimator = "a2c";       // set in code, past the option parser
  EXPECT_THROW(validate(c), rlvr::InputError);
  c = RlConfig{};
  c.algorithm = "a2c";
  EXPECT_THROW(validate(c), rlvr::InputError);
  c = RlConfig{};
  c.loss.dual_clip_c = 1.0;
  EXPECT_THROW(validate(c), rlvr::InputError);
}

TEST(Options, EveryKeyRoundTripsThroughText) {
  RlConfig c = rl_preset("dapo");
  RlConfig copy = rl_preset("ppo");
  for (const RlOptionKey& k : rl_option_keys()) set_rl_option(copy, k.key, rl_option_value(c, k.key));
  for (const RlOptionKey& k : rl_option_keys())
    EXPECT_EQ(rl_option_value(copy, k.key), rl_option_value(c, k.key)) << k.key;
  std::string json = rl_config_json(c);
  for (const RlOptionKey& k : rl_option_keys())
    EXPECT_NE(json.find("\"" + k.key + "\""), std::string::npos) << k.key;
  // Named options are written by name, as resume checks and provenance have always read them.
  EXPECT_NE(json.find("\"kl.mode\":\"none\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"loss.agg_mode\":\"token-mean\""), std::string::npos) << json;
}

TEST(ConfigFile, TomlTablesMapToDottedKeysAndPresetComesFirst) {
  fs::path dir = fs::temp_directory_path() / "rlvr_rl_config_test";
  fs::create_directories(dir);
  fs::path file = dir / "run.toml";
  std::ofstream(file) << "algorithm = \"dapo\"\n"
                         "[loss]\nclip_high = 0.3\n"
                         "[kl]\nmode = \"loss\"\ncoef = 0.01\n"
                         "[rollout]\ngroup_size = 4\n";
  RlConfig c;
  apply_rl_config_file(c, file);
  EXPECT_EQ(c.algorithm, "dapo");
  EXPECT_TRUE(c.dynamic_sampling.enabled);  // from the preset
  EXPECT_DOUBLE_EQ(c.loss.clip_high, 0.3);
  EXPECT_EQ(c.kl.mode, KlMode::kLoss);
  EXPECT_DOUBLE_EQ(c.kl.coef, 0.01);
  EXPECT_EQ(c.rollout.group_size, 4);

  std::ofstream(file) << "[loss]\nclip_high = 0.3\nagg_mode = 4\n";
  try {
    apply_rl_config_file(c, file);
    FAIL() << "accepted a number for a named option";
  } catch (const rlvr::InputError& e) {
    // A name is checked as it is read, so the error names its line too.
    EXPECT_EQ(e.field(), "loss.agg_mode");
    EXPECT_EQ(e.line(), 3);
  }
  std::ofstream(file) << "[loss]\nclip_hgh = 0.3\n";
  try {
    apply_rl_config_file(c, file);
    FAIL() << "accepted an unknown key";
  } catch (const rlvr::InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.field(), "loss.clip_hgh");
  }
  fs::remove_all(dir);
}
