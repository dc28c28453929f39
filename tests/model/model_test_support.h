// Small fixtures shared by the model tests: a tokenizer over digits and a few
// symbols, and a randomly initialised model whose distributions are peaked
// enough that sampling differences would show.
#pragma once

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "rlvr/model/tokenizer.h"
#include "rlvr/model/transformer.h"

namespace rlvr::model::testing {

inline Tokenizer digits_tokenizer() { return Tokenizer("0123456789+=* \n"); }

inline ModelConfig small_config(int vocab) {
  ModelConfig c = preset_config("tiny");
  c.vocab_size = vocab;
  c.d_model = 32;
  c.n_heads = 4;
  c.d_ff = 64;
  c.max_seq_len = 64;
  return c;
}

// Weights scaled up from the usual 0.02 so logits spread over several nats.
inline Transformer peaked_model(const ModelConfig& config, uint64_t seed) {
  Transformer model = make_transformer(config, seed);
  torch::NoGradGuard no_grad;
  for (auto& [name, w] : model->named_weights())
    if (w.dim() == 2) w.mul_(25.0);
  return model;
}

// Prompts of varied lengths (1..max_len tokens) drawn from the character ids.
inline std::vector<std::vector<int>> random_prompts(int count, int max_len, int vocab, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<int>> out(count);
  for (auto& p : out) {
    int len = 1 + static_cast<int>(rng() % max_len);
    for (int t = 0; t < len; ++t)
      p.push_back(Tokenizer::kFirstCharacter + static_cast<int>(rng() % (vocab - Tokenizer::kFirstCharacter)));
  }
  return out;
}

inline std::filesystem::path fresh_temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("rlvr_model_test_" + name + "_" +
                                                       std::to_string(std::random_device{}()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace rlvr::model::testing
