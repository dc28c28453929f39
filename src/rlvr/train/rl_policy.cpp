#include "rlvr/train/rl_policy.h"

#include <algorithm>

#include "rlvr/model/tokenizer.h"
#include "rlvr/util/error.h"

namespace rlvr::train {

ResponseLogits response_logits(model::Transformer& model, const std::vector<std::vector<int>>& prompts,
                               const std::vector<std::vector<int>>& completions) {
  if (prompts.size() != completions.size() || prompts.empty())
    throw Error("response_logits: need one completion per prompt, at least one row");
  const int64_t B = static_cast<int64_t>(prompts.size());
  int64_t C = 1, L = 1;
  for (int64_t i = 0; i < B; ++i) {
    C = std::max<int64_t>(C, static_cast<int64_t>(completions[i].size()));
    L = std::max<int64_t>(L, 1 + static_cast<int64_t>(prompts[i].size() + completions[i].size()));
  }
  // The prediction of the last completion token comes from the position before it,
  // so the sequence fed in omits nothing: [bos, prompt, completion], length <= L.
  std::vector<int64_t> tokens(B * L, model::Tokenizer::kPad);
  std::vector<int64_t> index(B * C, 0), targets(B * C, 0);
  std::vector<float> mask(B * C, 0.0f);
  for (int64_t i = 0; i < B; ++i) {
    int64_t* row = tokens.data() + i * L;
    int64_t n = 0;
    row[n++] = model::Tokenizer::kBos;
    for (int t : prompts[i]) row[n++] = t;
    const int64_t first = n;  // index of completion token 0
    for (int t : completions[i]) row[n++] = t;
    for (int64_t t = 0; t < C; ++t) {
      bool real = t < static_cast<int64_t>(completions[i].size());
      index[i * C + t] = real ? first + t - 1 : 0;
      targets[i * C + t] = real ? completions[i][t] : 0;
      mask[i * C + t] = real ? 1.0f : 0.0f;
    }
  }
  auto opts = torch::TensorOptions().dtype(torch::kLong);
  torch::Tensor tok = torch::from_blob(tokens.data(), {B, L}, opts).clone();
  torch::Tensor pos = torch::arange(L, opts).unsqueeze(0).expand({B, L}).contiguous();
  torch::Tensor idx = torch::from_blob(index.data(), {B, C}, opts).clone();
  torch::Tensor tgt = torch::from_blob(targets.data(), {B, C}, opts).clone();
  ResponseLogits out;
  torch::Tensor all = model->forward(tok, pos);  // [B, L, V]
  const int64_t V = all.size(2);
  out.logits = all.gather(1, idx.unsqueeze(-1).expand({B, C, V}));
  out.logprobs = out.logits.log_softmax(-1).gather(-1, tgt.unsqueeze(-1)).squeeze(-1);
  out.mask = torch::from_blob(mask.data(), {B, C}, torch::kFloat).clone();
  out.logprobs = out.logprobs * out.mask;
  return out;
}

model::Transformer clone_model(const model::Transformer& source) {
  model::Transformer copy(source->config());
  torch::NoGradGuard no_grad;
  auto from = source->named_weights();
  auto to = copy->named_weights();
  for (size_t i = 0; i < from.size(); ++i) to[i].second.copy_(from[i].second);
  return copy;
}

ValueModel make_value_model(const model::Transformer& initial) {
  ValueModel v;
  v.trunk = clone_model(initial);
  v.head_weight = torch::zeros({initial->config().vocab_size}).requires_grad_(true);
  v.head_bias = torch::zeros({1}).requires_grad_(true);
  return v;
}

torch::Tensor ValueModel::values(const std::vector<std::vector<int>>& prompts,
                                 const std::vector<std::vector<int>>& completions) {
  ResponseLogits r = response_logits(trunk, prompts, completions);
  return (torch::matmul(r.logits, head_weight) + head_bias) * r.mask;
}

std::vector<std::pair<std::string, torch::Tensor>> ValueModel::named_parameters() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (auto& [name, t] : trunk->named_weights()) out.emplace_back("trunk." + name, t);
  out.emplace_back("value_head.weight", head_weight);
  out.emplace_back("value_head.bias", head_bias);
  return out;
}

}  // namespace rlvr::train
