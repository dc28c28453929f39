// Rollouts: G sampled completions for each of a batch of problems, scored by
// the task's verifier (outcome reward, optional format reward, DAPO's
// overlong shaping), and, for ReMax, one greedy completion per problem whose
// score is the baseline. Every sample has its own seed derived from
// (run seed, purpose, problem key, sample index), so a step's rollouts do not
// depend on batch size, threads or what ran before.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rlvr/model/sampling.h"
#include "rlvr/model/tokenizer.h"
#include "rlvr/model/transformer.h"
#include <torch/torch.h>
#include "rlvr/tasks/task.h"
#include "rlvr/train/rl_config.h"

namespace rlvr::train {

struct Rollouts {
  std::vector<tasks::Problem> problems;       // one per group
  std::vector<std::vector<int>> prompt_ids;   // one per group, without bos
  std::vector<double> greedy_scores;          // one per group (ReMax), else empty
  // One entry per row (sampled completion):
  std::vector<int64_t> group;                 // index into problems
  std::vector<std::vector<int>> completions;  // token ids, ending with eos when emitted
  std::vector<std::vector<float>> logprobs;  // sampler's per-token log-probs (temperature 1)
  std::vector<std::string> texts;
  std::vector<double> scores;                 // reward incl. shaping
  std::vector<bool> correct;                  // verifier's verdict on the final answer

  int64_t groups() const { return static_cast<int64_t>(problems.size()); }
  int64_t rows() const { return static_cast<int64_t>(group.size()); }
  std::vector<double> group_scores(int64_t g) const;
  std::vector<double> group_correct(int64_t g) const;  // 1 correct, 0 wrong
  // Appends group g of `other` with all its rows.
  void append_group(const Rollouts& other, int64_t g);
  // Row-aligned prompts (each row's group prompt).
  std::vector<std::vector<int>> row_prompts() const;
  // [rows, C] sampler log-probs and mask, C = longest completion.
  std::pair<torch::Tensor, torch::Tensor> logprob_tensor() const;
};

// Reward of one completion: 1 if correct else 0, plus format_reward when an
// answer was extracted, plus the overlong penalty when enabled.
double completion_reward(const tasks::Verdict& verdict, int64_t length, const RlConfig& config);

// Purposes keep the seed streams of training, greedy baselines and evaluation apart.
enum class SeedPurpose : uint64_t { kTrain = 1, kGreedy = 2, kEval = 3 };

// `keys` identify the problems for seeding (e.g. their index in the split).
Rollouts sample_rollouts(model::Transformer& policy, const model::Tokenizer& tokenizer,
                         const tasks::TaskFamily& family, const std::vector<tasks::Problem>& problems,
                         const std::vector<uint64_t>& keys, int64_t samples,
                         const model::SamplingOptions& sampling, bool greedy_baseline,
                         const RlConfig& config, SeedPurpose purpose);

}  // namespace rlvr::train
