// Presets hold the reference defaults; every piece is an option of its own;
// bad options are reported with the key and what was expected.
#include <filesystem>
#include <fstream>

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

TEST(Presets, EveryPresetIsValidAndUsesARegisteredEstimator) {
  for (const std::string& name : rl_preset_names()) {
    RlConfig c = rl_preset(name);
    EXPECT_EQ(c.algorithm, name);
    EXPECT_NO_THROW(validate(c)) << name;
    EXPECT_NO_THROW(advantage_estimator(c.advantage.estimator)) << name;
  }
  EXPECT_EQ(rl_preset_names().size(), 8u);
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
