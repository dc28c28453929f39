#include "rlvr/train/rl_policy.h"

#include <algorithm>
#include <limits>

#include "rlvr/model/tokenizer.h"
#include "rlvr/util/error.h"

namespace rlvr::train {

namespace {

constexpr float kHidden = -std::numeric_limits<float>::infinity();

// The completion tokens, their mask, and the log-probs of each row's own
// tokens under `logits` [B, C, V] divided by the temperature.
ResponseLogits finish(torch::Tensor logits, const std::vector<std::vector<int>>& completions, int64_t C,
                      double temperature) {
  if (temperature != 1.0) logits = logits / temperature;
  const int64_t B = static_cast<int64_t>(completions.size());
  std::vector<int64_t> targets(B * C, 0);
  std::vector<float> mask(B * C, 0.0f);
  for (int64_t i = 0; i < B; ++i)
    for (size_t t = 0; t < completions[i].size(); ++t) {
      targets[i * C + t] = completions[i][t];
      mask[i * C + t] = 1.0f;
    }
  ResponseLogits out;
  out.logits = std::move(logits);
  torch::Tensor tgt = torch::tensor(targets, torch::kLong).view({B, C});
  out.mask = torch::tensor(mask).view({B, C});
  out.logprobs = out.logits.log_softmax(-1).gather(-1, tgt.unsqueeze(-1)).squeeze(-1) * out.mask;
  return out;
}

// Runs of neighbouring rows with equal prompts: the first row of each run.
std::vector<int64_t> prompt_runs(const std::vector<std::vector<int>>& prompts) {
  std::vector<int64_t> starts;
  for (size_t i = 0; i < prompts.size(); ++i)
    if (i == 0 || prompts[i] != prompts[i - 1]) starts.push_back(static_cast<int64_t>(i));
  return starts;
}

// Each run's [bos, prompt] goes through the model once, into a cache; each
// row then continues from a copy of its run's keys and values with its own
// completion. The first completion token is predicted from the prompt's last
// position, the others from the row's own pass.
ResponseLogits shared_prompt_logits(model::Transformer& model, const std::vector<std::vector<int>>& prompts,
                                    const std::vector<std::vector<int>>& completions,
                                    const std::vector<int64_t>& run_starts, int64_t C, double temperature,
                                    int64_t group_cost_tokens) {
  const int64_t B = static_cast<int64_t>(prompts.size()), U = static_cast<int64_t>(run_starts.size());
  const int64_t n_layers = static_cast<int64_t>(model->config().n_layers);
  std::vector<int64_t> run_of_row(B);
  int64_t Lp = 1;
  for (int64_t u = 0; u < U; ++u) {
    const int64_t end = u + 1 < U ? run_starts[u + 1] : B;
    for (int64_t i = run_starts[u]; i < end; ++i) run_of_row[i] = u;
    Lp = std::max<int64_t>(Lp, 1 + static_cast<int64_t>(prompts[run_starts[u]].size()));
  }
  auto longs = torch::TensorOptions().dtype(torch::kLong);

  // Prompts, right-padded: causal attention never sees the padding after them.
  std::vector<int64_t> prefix(U * Lp, model::Tokenizer::kPad), last(U);
  for (int64_t u = 0; u < U; ++u) {
    const auto& p = prompts[run_starts[u]];
    prefix[u * Lp] = model::Tokenizer::kBos;
    for (size_t t = 0; t < p.size(); ++t) prefix[u * Lp + 1 + t] = p[t];
    last[u] = static_cast<int64_t>(p.size());
  }
  model::KVCache prompt_cache(model->config(), U, Lp);
  torch::Tensor prefix_logits = model->forward(torch::tensor(prefix, longs).view({U, Lp}),
                                               torch::arange(Lp, longs).unsqueeze(0).expand({U, Lp}).contiguous(),
                                               {}, &prompt_cache);  // [U, Lp, V]
  torch::Tensor runs = torch::tensor(run_of_row, longs);
  torch::Tensor first = prefix_logits.gather(1, torch::tensor(last, longs).view({U, 1, 1}).expand(
                                                    {U, 1, prefix_logits.size(2)}))
                            .index_select(0, runs);  // [B, 1, V]
  const int64_t Tc = C - 1;  // completion tokens that predict a next one
  if (Tc == 0) return finish(first, completions, C, temperature);

  // Each row's completion tokens that predict a next one, run in groups of
  // similar length so that a short completion is not padded to the longest.
  std::vector<int64_t> predicting(B);
  for (int64_t i = 0; i < B; ++i)
    predicting[i] = std::max<int64_t>(0, static_cast<int64_t>(completions[i].size()) - 1);
  auto floats = torch::TensorOptions().dtype(first.scalar_type());
  std::vector<torch::Tensor> pieces;  // [rows of the group, Tc, V], groups in order
  std::vector<int64_t> row_order;     // the row each piece's rows hold, in that order
  for (const std::vector<int64_t>& group : length_groups(predicting, group_cost_tokens)) {
    const int64_t G = static_cast<int64_t>(group.size());
    const int64_t Tg = predicting[group.back()];  // the group's longest
    row_order.insert(row_order.end(), group.begin(), group.end());
    if (Tg == 0) {  // one-token completions: the prompt's prediction is all there is
      pieces.push_back(torch::zeros({G, Tc, first.size(2)}, floats));
      continue;
    }
    torch::Tensor group_runs = runs.index_select(0, torch::tensor(group, longs));
    model::KVCache cache(model->config(), G, Lp + Tg);
    for (int64_t l = 0; l < n_layers; ++l) {
      cache.keys[l].narrow(3, 0, Lp).copy_(prompt_cache.keys[l].narrow(3, 0, Lp).index_select(0, group_runs));
      cache.values[l].narrow(2, 0, Lp).copy_(prompt_cache.values[l].narrow(2, 0, Lp).index_select(0, group_runs));
    }
    cache.length = Lp;
    std::vector<int64_t> tokens(G * Tg, model::Tokenizer::kPad), positions(G * Tg);
    std::vector<float> bias(G * Tg * (Lp + Tg), kHidden);
    for (int64_t g = 0; g < G; ++g) {
      const int64_t i = group[g];
      const int64_t prompt_len = 1 + static_cast<int64_t>(prompts[i].size());
      for (int64_t t = 0; t < Tg; ++t) {
        const bool real = t < static_cast<int64_t>(completions[i].size());
        if (real) tokens[g * Tg + t] = completions[i][t];
        positions[g * Tg + t] = real ? prompt_len + t : 0;  // padding: any position inside the model's range
        float* row = bias.data() + (g * Tg + t) * (Lp + Tg);
        std::fill(row, row + prompt_len, 0.0f);             // the row's own prompt
        std::fill(row + Lp, row + Lp + t + 1, 0.0f);        // its completion so far
      }
    }
    torch::Tensor rest = model->forward(torch::tensor(tokens, longs).view({G, Tg}),
                                        torch::tensor(positions, longs).view({G, Tg}),
                                        torch::tensor(bias).view({G, 1, Tg, Lp + Tg}), &cache);  // [G, Tg, V]
    if (Tg < Tc) rest = torch::cat({rest, torch::zeros({G, Tc - Tg, rest.size(2)}, floats)}, 1);
    pieces.push_back(rest);
  }
  // Back to the rows' own order.
  std::vector<int64_t> place(B);
  for (int64_t k = 0; k < B; ++k) place[row_order[k]] = k;
  torch::Tensor rest = torch::cat(pieces, 0).index_select(0, torch::tensor(place, longs));  // [B, Tc, V]
  return finish(torch::cat({first, rest}, 1), completions, C, temperature);
}

}  // namespace

std::vector<std::vector<int64_t>> length_groups(const std::vector<int64_t>& lengths, int64_t group_cost_tokens) {
  const size_t n = lengths.size();
  std::vector<int64_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = static_cast<int64_t>(i);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return lengths[a] < lengths[b]; });
  // best[j]: the least cost of the first j rows in order; a group [i, j) costs
  // its rows times its longest, plus the cost of a pass.
  std::vector<int64_t> best(n + 1, 0), start(n + 1, 0);
  for (size_t j = 1; j <= n; ++j) {
    best[j] = std::numeric_limits<int64_t>::max();
    for (size_t i = 0; i < j; ++i) {
      const int64_t cost = best[i] + static_cast<int64_t>(j - i) * lengths[order[j - 1]] + group_cost_tokens;
      if (cost < best[j]) {
        best[j] = cost;
        start[j] = static_cast<int64_t>(i);
      }
    }
  }
  std::vector<std::vector<int64_t>> groups;
  for (size_t j = n; j > 0; j = static_cast<size_t>(start[j]))
    groups.emplace(groups.begin(), order.begin() + start[j], order.begin() + static_cast<int64_t>(j));
  return groups;
}

ResponseLogits response_logits(model::Transformer& model, const std::vector<std::vector<int>>& prompts,
                               const std::vector<std::vector<int>>& completions, double temperature,
                               bool share_prompts, int64_t group_cost_tokens) {
  if (prompts.size() != completions.size() || prompts.empty())
    throw Error("response_logits: need one completion per prompt, at least one row");
  if (!(temperature > 0)) throw Error("response_logits: the temperature must be positive");
  const int64_t B = static_cast<int64_t>(prompts.size());
  int64_t C = 1, L = 1;
  for (int64_t i = 0; i < B; ++i) {
    C = std::max<int64_t>(C, static_cast<int64_t>(completions[i].size()));
    L = std::max<int64_t>(L, 1 + static_cast<int64_t>(prompts[i].size() + completions[i].size()));
  }
  if (share_prompts) {
    std::vector<int64_t> runs = prompt_runs(prompts);
    if (static_cast<int64_t>(runs.size()) < B) return shared_prompt_logits(model, prompts, completions, runs, C, temperature, group_cost_tokens);
  }
  // The prediction of the last completion token comes from the position before it,
  // so the sequence fed in omits nothing: [bos, prompt, completion], length <= L.
  std::vector<int64_t> tokens(B * L, model::Tokenizer::kPad);
  std::vector<int64_t> index(B * C, 0);
  for (int64_t i = 0; i < B; ++i) {
    int64_t* row = tokens.data() + i * L;
    int64_t n = 0;
    row[n++] = model::Tokenizer::kBos;
    for (int t : prompts[i]) row[n++] = t;
    const int64_t first = n;  // index of completion token 0
    for (int t : completions[i]) row[n++] = t;
    for (int64_t t = 0; t < static_cast<int64_t>(completions[i].size()); ++t) index[i * C + t] = first + t - 1;
  }
  auto opts = torch::TensorOptions().dtype(torch::kLong);
  torch::Tensor tok = torch::tensor(tokens, opts).view({B, L});
  torch::Tensor pos = torch::arange(L, opts).unsqueeze(0).expand({B, L}).contiguous();
  torch::Tensor idx = torch::tensor(index, opts).view({B, C});
  torch::Tensor all = model->forward(tok, pos);  // [B, L, V]
  return finish(all.gather(1, idx.unsqueeze(-1).expand({B, C, all.size(2)})), completions, C, temperature);
}

model::Transformer clone_model(const model::Transformer& source) {
  model::Transformer copy(source->config());
  copy_weights(source, copy);
  return copy;
}

void copy_weights(const model::Transformer& source, model::Transformer& target) {
  torch::NoGradGuard no_grad;
  auto from = source->named_weights();
  auto to = target->named_weights();
  for (size_t i = 0; i < from.size(); ++i) to[i].second.copy_(from[i].second);
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

std::vector<std::pair<std::string, torch::Tensor>> ValueModel::named_weights() const {
  std::vector<std::pair<std::string, torch::Tensor>> out;
  for (auto& [name, t] : trunk->named_weights()) out.emplace_back("trunk." + name, t);
  out.emplace_back("value_head.weight", head_weight);
  out.emplace_back("value_head.bias", head_bias);
  return out;
}

}  // namespace rlvr::train
