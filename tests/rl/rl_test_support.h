// A tiny base model for the RL tests, built once per test program: a small
// transformer fitted for 512 steps to a mix of careful (always
// right) and no-carry (wrong whenever a carry is due) addition traces, so it
// samples right answers only part of the time and RL has something to
// sharpen. Plus the small RL settings the functional tests share.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "rlvr/model/checkpoint.h"
#include "rlvr/model/config.h"
#include "rlvr/model/optimizer.h"
#include "rlvr/model/tokenizer.h"
#include "rlvr/model/transformer.h"
#include "rlvr/tasks/corpus.h"
#include "rlvr/tasks/task.h"
#include "rlvr/train/rl_config.h"
#include "rlvr/train/rl_losses.h"
#include "rlvr/train/rl_policy.h"

namespace rlvr::train::testing {

inline constexpr const char* kTask = "addition";
inline constexpr int kDifficulty = 1;

inline model::LoadedModel fit_tiny_base() {
  // One thread: these tensors are small, and on a shared machine more threads
  // mostly wait on each other (30x slower measured under load).
  model::set_threads(1);
  const tasks::TaskFamily& family = tasks::family(kTask);
  model::LoadedModel base;
  base.tokenizer = model::Tokenizer(tasks::alphabet());
  model::ModelConfig cfg = model::preset_config("tiny");
  cfg.vocab_size = base.tokenizer.vocab_size();
  cfg.d_model = 48;
  cfg.n_layers = 2;
  cfg.n_heads = 4;
  cfg.d_ff = 128;
  cfg.max_seq_len = 64;
  base.model = model::make_transformer(cfg, 7);
  tasks::CorpusMix mix = tasks::parse_corpus_mix(family, "careful=0.5,nocarry=0.5,difficulty=1");
  std::vector<tasks::Document> docs = tasks::corpus_documents(family, mix, 16384, 11);
  const double lr = 1e-2;
  model::AdamWOptions o;
  o.weight_decay = 0.0;
  model::AdamW opt(base.model->named_weights(), o);
  const size_t batch = 32;
  for (size_t step = 0; step * batch < docs.size(); ++step) {
    std::vector<std::vector<int>> prompts, completions;
    for (size_t i = step * batch; i < std::min(docs.size(), (step + 1) * batch); ++i) {
      prompts.push_back(base.tokenizer.encode(docs[i].prompt));
      completions.push_back(base.tokenizer.encode(docs[i].completion));
      completions.back().push_back(model::Tokenizer::kEos);
    }
    ResponseLogits r = response_logits(base.model, prompts, completions);
    torch::Tensor loss = -aggregate_loss(r.logprobs, r.mask, LossAggregation::kTokenMean, 0);
    opt.zero_grad();
    loss.backward();
    model::clip_grad_norm(opt.params(), 1.0);
    opt.step(lr);
  }
  return base;
}

inline const model::LoadedModel& tiny_base() {
  static const model::LoadedModel base = fit_tiny_base();
  return base;
}

// Small, fast RL settings on top of an algorithm's preset.
inline RlConfig small_rl_config(const std::string& algorithm) {
  RlConfig c = rl_preset(algorithm);
  c.task.difficulty = kDifficulty;
  c.rollout.prompts_per_step = 8;
  c.rollout.group_size = 8;
  c.rollout.max_response_tokens = 32;
  c.optim.minibatch_prompts = 4;
  c.optim.lr = 5e-4;
  c.optim.warmup_steps = 0;
  c.value.lr = 1e-3;
  c.eval.problems = 48;
  c.eval.samples = 4;
  c.run.threads = 1;
  return c;
}

inline std::filesystem::path fresh_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("rlvr_rl_test_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace rlvr::train::testing
