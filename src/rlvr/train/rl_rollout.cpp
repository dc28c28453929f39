#include "rlvr/train/rl_rollout.h"

#include <algorithm>

#include "rlvr/model/generate.h"
#include "rlvr/train/rl_rewards.h"
#include "rlvr/util/error.h"
#include "rlvr/util/seed.h"

namespace rlvr::train {

std::vector<double> Rollouts::group_scores(int64_t g) const {
  std::vector<double> out;
  for (int64_t i = 0; i < rows(); ++i)
    if (group[i] == g) out.push_back(scores[i]);
  return out;
}

std::vector<double> Rollouts::group_correct(int64_t g) const {
  std::vector<double> out;
  for (int64_t i = 0; i < rows(); ++i)
    if (group[i] == g) out.push_back(correct[i] ? 1.0 : 0.0);
  return out;
}

void Rollouts::append_group(const Rollouts& other, int64_t g) {
  int64_t to = groups();
  problems.push_back(other.problems[g]);
  prompt_ids.push_back(other.prompt_ids[g]);
  if (!other.greedy_scores.empty()) greedy_scores.push_back(other.greedy_scores[g]);
  for (int64_t i = 0; i < other.rows(); ++i) {
    if (other.group[i] != g) continue;
    group.push_back(to);
    completions.push_back(other.completions[i]);
    logprobs.push_back(other.logprobs[i]);
    texts.push_back(other.texts[i]);
    scores.push_back(other.scores[i]);
    correct.push_back(other.correct[i]);
  }
}

std::vector<std::vector<int>> Rollouts::row_prompts() const {
  std::vector<std::vector<int>> out;
  out.reserve(group.size());
  for (int64_t g : group) out.push_back(prompt_ids[g]);
  return out;
}

std::pair<torch::Tensor, torch::Tensor> Rollouts::logprob_tensor() const {
  int64_t C = 1;
  for (const auto& c : completions) C = std::max<int64_t>(C, static_cast<int64_t>(c.size()));
  torch::Tensor lp = torch::zeros({rows(), C});
  torch::Tensor mask = torch::zeros({rows(), C});
  float* l = lp.data_ptr<float>();
  float* m = mask.data_ptr<float>();
  for (int64_t i = 0; i < rows(); ++i) {
    if (logprobs[i].size() != completions[i].size())
      throw Error("rollouts: the sampler returned a log-prob count unlike the token count");
    for (size_t t = 0; t < logprobs[i].size(); ++t) {
      l[i * C + t] = logprobs[i][t];
      m[i * C + t] = 1.0f;
    }
  }
  return {lp, mask};
}

double completion_reward(const tasks::Verdict& verdict, int64_t length, const RlConfig& config) {
  double r = verdict.correct ? 1.0 : 0.0;
  if (!verdict.answer.empty()) r += config.reward.format_reward;
  if (config.reward.overlong_enabled)
    r += overlong_penalty(length, config.resolved_overlong_max_len(), config.resolved_overlong_buffer(),
                          config.reward.overlong_factor);
  return r;
}

Rollouts sample_rollouts(model::Transformer& policy, const model::Tokenizer& tokenizer,
                         const tasks::TaskFamily& family, const std::vector<tasks::Problem>& problems,
                         const std::vector<uint64_t>& keys, int64_t samples,
                         const model::SamplingOptions& sampling, bool greedy_baseline,
                         const RlConfig& config, SeedPurpose purpose) {
  if (problems.size() != keys.size()) throw Error("sample_rollouts: one key per problem");
  torch::NoGradGuard no_grad;
  Rollouts out;
  out.problems = problems;
  std::vector<std::vector<int>> prompts;
  std::vector<uint64_t> seeds;
  for (size_t g = 0; g < problems.size(); ++g) {
    out.prompt_ids.push_back(tokenizer.encode(problems[g].prompt));
    for (int64_t j = 0; j < samples; ++j) {
      prompts.push_back(out.prompt_ids.back());
      seeds.push_back(derive_seed(config.run.seed, {static_cast<uint64_t>(purpose), keys[g],
                                                    static_cast<uint64_t>(j)}));
      out.group.push_back(static_cast<int64_t>(g));
    }
  }
  std::vector<model::Completion> done = model::generate(policy, tokenizer, prompts, seeds, sampling);
  for (size_t i = 0; i < done.size(); ++i) {
    tasks::Verdict v = family.verify(problems[out.group[i]], done[i].text);
    out.completions.push_back(done[i].tokens);
    out.logprobs.push_back(done[i].token_logprobs);
    out.texts.push_back(done[i].text);
    out.correct.push_back(v.correct);
    out.scores.push_back(completion_reward(v, static_cast<int64_t>(done[i].tokens.size()), config));
  }
  if (greedy_baseline) {
    model::SamplingOptions greedy = sampling;
    greedy.temperature = 0.0;
    greedy.top_p = 1.0;
    std::vector<uint64_t> greedy_seeds;
    for (uint64_t k : keys)
      greedy_seeds.push_back(derive_seed(config.run.seed, {static_cast<uint64_t>(SeedPurpose::kGreedy), k}));
    std::vector<model::Completion> g = model::generate(policy, tokenizer, out.prompt_ids, greedy_seeds, greedy);
    for (size_t p = 0; p < g.size(); ++p) {
      tasks::Verdict v = family.verify(problems[p], g[p].text);
      out.greedy_scores.push_back(completion_reward(v, static_cast<int64_t>(g[p].tokens.size()), config));
    }
  }
  return out;
}

}  // namespace rlvr::train
