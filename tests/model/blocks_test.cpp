// The building blocks against small hand computations, and the torch-free
// pieces (config JSON, tokenizer, token choice).
#include <gtest/gtest.h>

#include <cmath>

#include "model_test_support.h"
#include "rlvr/model/sampling.h"
#include "rlvr/util/error.h"

using namespace rlvr::model;

TEST(Blocks, RmsNormMatchesHandComputation) {
  // x = [3, 4]: mean square 12.5, so x / sqrt(12.5) = [0.848528, 1.131371]; weight [1, 2].
  auto y = rms_norm(torch::tensor({3.0f, 4.0f}), torch::tensor({1.0f, 2.0f}), 0.0);
  EXPECT_NEAR(y[0].item<float>(), 3.0 / std::sqrt(12.5), 1e-6);
  EXPECT_NEAR(y[1].item<float>(), 2 * 4.0 / std::sqrt(12.5), 1e-6);
}

TEST(Blocks, RotaryTablesAndRotationMatchHandComputation) {
  // head_dim 4, theta 10000: frequencies 1 and 10000^(-1/2) = 0.01.
  auto [cos, sin] = rotary_tables(4, 3, 10000.0);
  EXPECT_NEAR(cos[2][0].item<float>(), std::cos(2.0), 1e-6);
  EXPECT_NEAR(sin[2][1].item<float>(), std::sin(0.02), 1e-7);
  EXPECT_EQ(cos[0][1].item<float>(), 1.0f);
  // x = [1, 2, 3, 4] at position 1 rotates pairs (1, 3) by 1 rad and (2, 4) by 0.01 rad.
  auto x = torch::tensor({1.0f, 2.0f, 3.0f, 4.0f}).view({1, 1, 1, 4});
  auto y = apply_rotary(x, cos[1].view({1, 1, 1, 2}), sin[1].view({1, 1, 1, 2})).view({4});
  EXPECT_NEAR(y[0].item<float>(), 1 * std::cos(1.0) - 3 * std::sin(1.0), 1e-6);
  EXPECT_NEAR(y[2].item<float>(), 1 * std::sin(1.0) + 3 * std::cos(1.0), 1e-6);
  EXPECT_NEAR(y[1].item<float>(), 2 * std::cos(0.01) - 4 * std::sin(0.01), 1e-6);
  EXPECT_NEAR(y[3].item<float>(), 2 * std::sin(0.01) + 4 * std::cos(0.01), 1e-6);
}

TEST(Blocks, RotaryScoresDependOnlyOnRelativePosition) {
  auto [cos, sin] = rotary_tables(8, 20, 10000.0);
  auto q = torch::randn({1, 1, 1, 8}), k = torch::randn({1, 1, 1, 8});
  auto at = [&](const torch::Tensor& v, int pos) {
    return apply_rotary(v, cos[pos].view({1, 1, 1, 4}), sin[pos].view({1, 1, 1, 4}));
  };
  float a = (at(q, 7) * at(k, 3)).sum().item<float>();
  float b = (at(q, 15) * at(k, 11)).sum().item<float>();
  EXPECT_NEAR(a, b, 1e-5);
}

TEST(Blocks, SwigluMatchesHandComputation) {
  // gate [1, -2], up [3, 4]: silu(1) * 3 = 3 / (1 + e^-1), silu(-2) * 4 = -8 / (1 + e^2).
  auto y = swiglu(torch::tensor({1.0f, -2.0f, 3.0f, 4.0f}));
  EXPECT_NEAR(y[0].item<float>(), 3.0 / (1 + std::exp(-1.0)), 1e-6);
  EXPECT_NEAR(y[1].item<float>(), -8.0 / (1 + std::exp(2.0)), 1e-6);
}

TEST(Config, JsonRoundTripAndErrorsNameTheField) {
  ModelConfig c = preset_config("quick");
  c.vocab_size = 40;
  EXPECT_EQ(config_from_json(config_to_json(c), "c.json"), c);
  try {
    config_from_json(R"({"d_model": "wide"})", "c.json");
    FAIL() << "expected an error";
  } catch (const rlvr::InputError& e) {
    EXPECT_EQ(e.field(), "d_model");
    EXPECT_EQ(e.file(), "c.json");
  }
  EXPECT_THROW(config_from_json(R"({"d_modle": 64})", "c.json"), rlvr::InputError);
  c.n_heads = 5;
  EXPECT_THROW(c.validate("c.json"), rlvr::InputError);
  // 40*128 embedding + head, 4 layers of (2*128 + 4*128^2 + 3*128*352), final norm.
  c.n_heads = 4;
  EXPECT_EQ(c.parameter_count(), 2LL * 40 * 128 + 4LL * (256 + 4 * 128 * 128 + 3 * 128 * 352) + 128);
}

TEST(Tokenizer, EncodesDecodesAndRejectsUnknownCharacters) {
  Tokenizer tok("ab×");
  EXPECT_EQ(tok.vocab_size(), 6);
  EXPECT_EQ(tok.encode("b×a"), (std::vector<int>{4, 5, 3}));
  EXPECT_EQ(tok.decode({Tokenizer::kBos, 4, 5, 3, Tokenizer::kEos}), "b×a");
  EXPECT_THROW(tok.encode("abc"), rlvr::Error);
  EXPECT_THROW(Tokenizer("aba"), rlvr::Error);
  EXPECT_EQ(Tokenizer::from_json(tok.to_json(), "t.json"), tok);
}

TEST(ChooseToken, GreedyTopKAndTopPFollowTheirDefinitions) {
  // probabilities at temperature 1 proportional to exp(logits): 0.0871, 0.2369, 0.6439, 0.0321
  const float logits[] = {1.0f, 2.0f, 3.0f, 0.0f};
  SamplingOptions greedy;
  greedy.temperature = 0;
  TokenChoice c = choose_token(logits, 4, greedy, 1, 0);
  EXPECT_EQ(c.token, 2);
  double z = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0) + 1.0);
  EXPECT_NEAR(c.logprob, 3.0 - z, 1e-9);
  SamplingOptions top1;
  top1.top_k = 1;
  SamplingOptions nucleus;
  nucleus.top_p = 0.85;  // the two most likely tokens (0.644 + 0.237 >= 0.85)
  int counts[4] = {0, 0, 0, 0};
  for (int s = 0; s < 2000; ++s) {
    EXPECT_EQ(choose_token(logits, 4, top1, s, 3).token, 2);
    counts[choose_token(logits, 4, nucleus, s, 3).token]++;
  }
  EXPECT_EQ(counts[0] + counts[3], 0);
  // Renormalised: token 2 with 0.6439 / 0.8808 = 0.731.
  EXPECT_NEAR(counts[2] / 2000.0, 0.731, 0.04);
  // Plain sampling reaches every token, at rates near the probabilities.
  SamplingOptions plain;
  int seen[4] = {0, 0, 0, 0};
  for (int s = 0; s < 4000; ++s) seen[choose_token(logits, 4, plain, 99, s).token]++;
  EXPECT_NEAR(seen[3] / 4000.0, 0.0321, 0.012);
  EXPECT_NEAR(seen[2] / 4000.0, 0.6439, 0.03);
}
