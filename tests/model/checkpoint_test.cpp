// Checkpoints: bitwise round trips, clear errors naming file and tensor, and
// exact resume of training from a saved training state.
#include <gtest/gtest.h>

#include <fstream>

#include "model_test_support.h"
#include "rlvr/model/checkpoint.h"
#include "rlvr/util/error.h"
#include "rlvr/util/files.h"

using namespace rlvr::model;
using namespace rlvr::model::testing;
namespace fs = std::filesystem;

namespace {

torch::Tensor some_logits(Transformer model) {
  torch::NoGradGuard no_grad;
  auto ids = torch::tensor(std::vector<int64_t>{1, 5, 6, 7, 8}).unsqueeze(0);
  return model->forward(ids, torch::arange(5).unsqueeze(0));
}

// A few optimizer steps on a fixed next-token loss.
void train_steps(Transformer& model, AdamW& opt, int steps, int first_step) {
  for (int s = first_step; s < first_step + steps; ++s) {
    auto ids = torch::tensor(std::vector<int64_t>{1, 3 + s % 5, 4, 5, 6, 7}).unsqueeze(0);
    auto logits = model->forward(ids.narrow(1, 0, 5), torch::arange(5).unsqueeze(0));
    auto loss = torch::cross_entropy_loss(logits.view({5, -1}), ids.narrow(1, 1, 5).reshape({5}));
    opt.zero_grad();
    loss.backward();
    clip_grad_norm(opt.params(), 1.0);
    opt.step(1e-2);
  }
}

}  // namespace

TEST(Checkpoint, RoundTripIsBitwiseAndGivesEqualOutputs) {
  Tokenizer tok = digits_tokenizer();
  Transformer model = make_transformer(small_config(tok.vocab_size()), 3);
  fs::path dir = fresh_temp_dir("roundtrip") / "ckpt";
  save_model(dir, model, tok);
  EXPECT_TRUE(fs::exists(dir / "config.json"));
  LoadedModel loaded = load_model(dir);
  EXPECT_EQ(loaded.tokenizer, tok);
  EXPECT_EQ(loaded.model->config(), model->config());
  auto a = model->named_weights(), b = loaded.model->named_weights();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].first, b[i].first);
    EXPECT_TRUE(torch::equal(a[i].second, b[i].second)) << a[i].first;
  }
  EXPECT_TRUE(torch::equal(some_logits(model), some_logits(loaded.model)));
  // Saving over an existing checkpoint replaces it.
  Transformer other = make_transformer(small_config(tok.vocab_size()), 4);
  save_model(dir, other, tok);
  EXPECT_TRUE(torch::equal(some_logits(other), some_logits(load_model(dir).model)));
  fs::remove_all(dir.parent_path());
}

TEST(Checkpoint, WrongShapeOrMissingTensorIsNamedInTheError) {
  Tokenizer tok = digits_tokenizer();
  ModelConfig config = small_config(tok.vocab_size());
  fs::path dir = fresh_temp_dir("broken") / "ckpt";
  save_model(dir, make_transformer(config, 3), tok);
  // The config now promises a wider feed-forward than the weights hold.
  ModelConfig wider = config;
  wider.d_ff = 96;
  rlvr::write_file_atomically(dir / "config.json", config_to_json(wider));
  try {
    load_model(dir);
    FAIL() << "expected a shape error";
  } catch (const rlvr::InputError& e) {
    EXPECT_EQ(e.field(), "layers.0.gate_up.weight");
    EXPECT_NE(std::string(e.what()).find("model.safetensors"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[128, 32]"), std::string::npos) << e.what();
  }
  // Weights without the output head.
  rlvr::write_file_atomically(dir / "config.json", config_to_json(config));
  auto weights = make_transformer(config, 3)->named_weights();
  weights.pop_back();
  write_safetensors(dir / "model.safetensors", weights);
  try {
    load_model(dir);
    FAIL() << "expected a missing-tensor error";
  } catch (const rlvr::InputError& e) {
    EXPECT_EQ(e.field(), "head.weight");
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
  }
  // A tensor stored as float64 where float32 is expected.
  auto doubled = make_transformer(config, 3)->named_weights();
  doubled[0].second = doubled[0].second.to(torch::kFloat64);
  write_safetensors(dir / "model.safetensors", doubled);
  try {
    load_model(dir);
    FAIL() << "expected a dtype error";
  } catch (const rlvr::InputError& e) {
    EXPECT_EQ(e.field(), "embedding.weight");
    EXPECT_NE(std::string(e.what()).find("F64"), std::string::npos) << e.what();
  }
  // A truncated file is reported, not read past its end.
  std::string bytes = rlvr::read_file(dir / "model.safetensors");
  rlvr::write_file_atomically(dir / "model.safetensors", bytes.substr(0, bytes.size() - 100));
  EXPECT_THROW(load_model(dir), rlvr::InputError);
  EXPECT_THROW(load_model(dir / "nowhere"), rlvr::InputError);
  fs::remove_all(dir.parent_path());
}

TEST(Checkpoint, SafetensorsLayoutFollowsTheFormat) {
  NamedTensors tensors{{"a", torch::tensor({1.5f, -2.0f})}, {"b", torch::tensor({int64_t{7}})}};
  std::string bytes = encode_safetensors(tensors, {{"k", "v"}});
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  EXPECT_EQ(n % 8, 0u);
  std::string header = bytes.substr(8, n);
  EXPECT_NE(header.find(R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})"), std::string::npos)
      << header;
  EXPECT_NE(header.find(R"("b":{"dtype":"I64","shape":[1],"data_offsets":[8,16]})"), std::string::npos);
  EXPECT_EQ(bytes.size(), 8 + n + 16);
  float first;
  std::memcpy(&first, bytes.data() + 8 + n, 4);
  EXPECT_EQ(first, 1.5f);
  SafetensorsFile back = decode_safetensors(bytes, "mem");
  EXPECT_TRUE(torch::equal(back.tensors.at("a"), tensors[0].second));
  EXPECT_EQ(back.metadata.at("k"), "v");
}

TEST(Checkpoint, TrainingStateResumesExactly) {
  Tokenizer tok = digits_tokenizer();
  ModelConfig config = small_config(tok.vocab_size());
  fs::path dir = fresh_temp_dir("resume");
  Transformer straight = make_transformer(config, 9);
  AdamW opt_straight(straight->named_weights());
  train_steps(straight, opt_straight, 6, 0);

  Transformer first = make_transformer(config, 9);
  AdamW opt_first(first->named_weights());
  train_steps(first, opt_first, 3, 0);
  save_training_state(dir / "state.safetensors", first, opt_first, {3, R"({"cursor": 12})"});
  train_steps(first, opt_first, 1, 3);  // work lost to a kill

  Transformer resumed = make_transformer(config, 1);  // other weights, overwritten by the load
  AdamW opt_resumed(resumed->named_weights());
  TrainingState state = load_training_state(dir / "state.safetensors", resumed, opt_resumed);
  EXPECT_EQ(state.step, 3);
  EXPECT_EQ(state.extra_json, R"({"cursor": 12})");
  EXPECT_EQ(opt_resumed.steps(), 3);
  train_steps(resumed, opt_resumed, 3, 3);
  auto a = straight->named_weights(), b = resumed->named_weights();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i].second, b[i].second)) << a[i].first;
  fs::remove_all(dir);
}
