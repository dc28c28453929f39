#include "rlvr/model/score.h"

#include <algorithm>

#include <fmt/format.h>

#include "rlvr/model/tokenizer.h"
#include "rlvr/util/error.h"

namespace rlvr::model {

ScoredBatch score_batch(Transformer& model, const std::vector<std::vector<int>>& prompts,
                        const std::vector<std::vector<int>>& completions) {
  if (prompts.size() != completions.size())
    throw Error(fmt::format("score: {} prompts but {} completions", prompts.size(), completions.size()));
  const int64_t n = static_cast<int64_t>(prompts.size());
  const int vocab = model->config().vocab_size;
  int64_t inputs = 1, longest = 0;  // input length = bos + prompt + completion - 1
  for (int64_t b = 0; b < n; ++b) {
    inputs = std::max<int64_t>(inputs, static_cast<int64_t>(prompts[b].size() + completions[b].size()));
    longest = std::max<int64_t>(longest, static_cast<int64_t>(completions[b].size()));
    for (const auto* seq : {&prompts[b], &completions[b]})
      for (int id : *seq)
        if (id < 0 || id >= vocab)
          throw Error(fmt::format("score: row {} holds token id {} outside the vocabulary", b, id));
  }
  if (inputs > model->config().max_seq_len)
    throw Error(fmt::format("score: a sequence of {} tokens exceeds the model's context of {}",
                            inputs, model->config().max_seq_len));
  if (n == 0 || longest == 0)
    return {torch::zeros({n, longest}), torch::zeros({n, longest})};

  // Right-padded inputs (causal attention never looks right, so padding at
  // the end changes nothing before it).
  torch::Tensor ids = torch::full({n, inputs}, Tokenizer::kPad, torch::kInt64);
  torch::Tensor where = torch::zeros({n, longest}, torch::kInt64);   // input slot predicting token t
  torch::Tensor target = torch::zeros({n, longest}, torch::kInt64);
  torch::Tensor mask = torch::zeros({n, longest});
  auto ids_a = ids.accessor<int64_t, 2>();
  auto where_a = where.accessor<int64_t, 2>();
  auto target_a = target.accessor<int64_t, 2>();
  auto mask_a = mask.accessor<float, 2>();
  for (int64_t b = 0; b < n; ++b) {
    std::vector<int> seq{Tokenizer::kBos};
    seq.insert(seq.end(), prompts[b].begin(), prompts[b].end());
    seq.insert(seq.end(), completions[b].begin(), completions[b].end());
    for (int64_t t = 0; t + 1 < static_cast<int64_t>(seq.size()); ++t) ids_a[b][t] = seq[t];
    const int64_t p = static_cast<int64_t>(prompts[b].size());
    for (int64_t t = 0; t < static_cast<int64_t>(completions[b].size()); ++t) {
      where_a[b][t] = p + t;
      target_a[b][t] = completions[b][t];
      mask_a[b][t] = 1;
    }
  }
  torch::Tensor positions = torch::arange(inputs, torch::kInt64).unsqueeze(0).expand({n, inputs});
  torch::Tensor logits = model->forward(ids, positions);  // [n, inputs, V]
  torch::Tensor picked = logits.gather(1, where.unsqueeze(-1).expand({n, longest, vocab}));
  torch::Tensor logprobs = torch::log_softmax(picked, -1).gather(2, target.unsqueeze(-1)).squeeze(-1);
  return {logprobs * mask, mask};
}

std::vector<std::vector<float>> score(Transformer& model, const std::vector<std::vector<int>>& prompts,
                                      const std::vector<std::vector<int>>& completions, int batch_size) {
  if (batch_size <= 0) throw Error("score: batch_size must be positive");
  if (prompts.size() != completions.size())
    throw Error(fmt::format("score: {} prompts but {} completions", prompts.size(), completions.size()));
  c10::InferenceMode inference;
  std::vector<std::vector<float>> out(prompts.size());
  for (size_t begin = 0; begin < prompts.size(); begin += batch_size) {
    size_t end = std::min(prompts.size(), begin + batch_size);
    std::vector<std::vector<int>> p(prompts.begin() + begin, prompts.begin() + end);
    std::vector<std::vector<int>> c(completions.begin() + begin, completions.begin() + end);
    ScoredBatch scored = score_batch(model, p, c);
    torch::Tensor host = scored.logprobs.contiguous();
    for (size_t r = begin; r < end; ++r) {
      const float* row = host.data_ptr<float>() + (r - begin) * host.size(1);
      out[r].assign(row, row + completions[r].size());
    }
  }
  return out;
}

}  // namespace rlvr::model
