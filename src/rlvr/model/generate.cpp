#include "rlvr/model/generate.h"

#include <algorithm>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "rlvr/util/error.h"

namespace rlvr::model {

namespace {

constexpr float kMasked = -std::numeric_limits<float>::infinity();

bool ends_with(const std::string& text, const std::string& suffix) {
  return !suffix.empty() && text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Decodes rows [begin, end) of the request together.
void generate_chunk(Transformer& model, const Tokenizer& tokenizer,
                    const std::vector<std::vector<int>>& prompts, const std::vector<uint64_t>& seeds,
                    const SamplingOptions& options, size_t begin, size_t end,
                    std::vector<Completion>& out, const std::function<void(int64_t)>& on_done) {
  const ModelConfig& config = model->config();
  const int64_t n = static_cast<int64_t>(end - begin);
  int64_t prompt_len = 0;  // longest bos + prompt
  for (size_t r = begin; r < end; ++r)
    prompt_len = std::max<int64_t>(prompt_len, 1 + static_cast<int64_t>(prompts[r].size()));

  // Rows that share a prompt (the samples of one problem) share its prefill:
  // each distinct prompt goes through the model once and its keys and values
  // are copied to its rows. Each row is computed on its own either way, so
  // only float rounding can differ from a prefill of every row (as it does
  // between batches of different sizes): the sampling tests hold it to that.
  std::map<std::vector<int>, int64_t> distinct_of_prompt;
  std::vector<size_t> distinct;        // distinct prompt -> its first request row
  std::vector<int64_t> prefill_row(n);  // batch row -> distinct prompt
  for (int64_t b = 0; b < n; ++b) {
    auto [it, added] = distinct_of_prompt.emplace(prompts[begin + b], static_cast<int64_t>(distinct.size()));
    if (added) distinct.push_back(begin + b);
    prefill_row[b] = it->second;
  }
  const int64_t u = static_cast<int64_t>(distinct.size());

  // Left-padded prompts, per-row positions, and which key slots each row may
  // see; the first u rows are the distinct prompts.
  torch::Tensor ids = torch::full({u, prompt_len}, Tokenizer::kPad, torch::kInt64);
  torch::Tensor pad = torch::empty({n}, torch::kInt64);
  auto ids_a = ids.accessor<int64_t, 2>();
  auto pad_a = pad.accessor<int64_t, 1>();
  std::vector<int64_t> pad_v(n);
  for (int64_t b = 0; b < n; ++b) {
    pad_v[b] = prompt_len - 1 - static_cast<int64_t>(prompts[begin + b].size());
    pad_a[b] = pad_v[b];
  }
  for (int64_t d = 0; d < u; ++d) {
    const auto& prompt = prompts[distinct[d]];
    const int64_t start = prompt_len - 1 - static_cast<int64_t>(prompt.size());
    ids_a[d][start] = Tokenizer::kBos;
    for (size_t t = 0; t < prompt.size(); ++t) ids_a[d][start + 1 + t] = prompt[t];
  }
  // Cache slots: row b's text starts at slot pad_b and may run to position
  // max_seq_len - 1 of its own, i.e. slot pad_b + max_seq_len - 1.
  int64_t capacity = 0;
  for (int64_t b = 0; b < n; ++b)
    capacity = std::max(capacity, std::min(pad_v[b] + config.max_seq_len, prompt_len + options.max_new_tokens));
  torch::Tensor slot = torch::arange(capacity, torch::kInt64);
  torch::Tensor key_bias =
      torch::zeros({n, capacity}).masked_fill_(slot.unsqueeze(0) < pad.unsqueeze(1), kMasked);
  torch::Tensor rows_of_distinct = torch::tensor(prefill_row, torch::kInt64);
  torch::Tensor distinct_pad = torch::empty({u}, torch::kInt64);
  auto distinct_pad_a = distinct_pad.accessor<int64_t, 1>();
  for (int64_t b = 0; b < n; ++b) distinct_pad_a[prefill_row[b]] = pad_v[b];
  torch::Tensor positions =
      (slot.narrow(0, 0, prompt_len).unsqueeze(0) - distinct_pad.unsqueeze(1)).clamp_min(0);
  // Prefill mask: causal, padding hidden; a padding query sees itself so that
  // its (unused) row stays finite.
  torch::Tensor q_idx = slot.narrow(0, 0, prompt_len).view({1, prompt_len, 1});
  torch::Tensor k_idx = slot.narrow(0, 0, prompt_len).view({1, 1, prompt_len});
  torch::Tensor allowed = (k_idx <= q_idx) & ((k_idx >= distinct_pad.view({u, 1, 1})) | (k_idx == q_idx));
  torch::Tensor prefill_bias = torch::zeros({u, 1, prompt_len, prompt_len})
                                   .masked_fill_(allowed.logical_not().unsqueeze(1), kMasked);

  KVCache cache(config, u, capacity);
  torch::Tensor logits = model->forward(ids, positions, prefill_bias, &cache).select(1, prompt_len - 1);
  if (u < n) {
    cache.keep_rows(rows_of_distinct);
    logits = logits.index_select(0, rows_of_distinct);
  }

  std::vector<int64_t> row_of(n);  // batch slot -> request row
  for (int64_t b = 0; b < n; ++b) row_of[b] = static_cast<int64_t>(begin) + b;
  std::vector<char> done(n, 0);
  const int vocab = config.vocab_size;
  for (int64_t step = 0;; ++step) {
    torch::Tensor host = logits.contiguous();
    const float* data = host.data_ptr<float>();
    const int64_t rows = host.size(0);
    std::vector<int64_t> next(rows, Tokenizer::kEos);
    int64_t finished_now = 0;
    for (int64_t b = 0; b < rows; ++b) {
      if (done[b]) continue;
      Completion& c = out[row_of[b]];
      TokenChoice choice = choose_token(data + b * vocab, vocab, options, seeds[row_of[b]], step);
      c.tokens.push_back(choice.token);
      c.token_logprobs.push_back(static_cast<float>(choice.logprob));
      c.logprob += choice.logprob;
      next[b] = choice.token;
      if (choice.token == Tokenizer::kEos && !options.ignore_eos) {
        c.finish_reason = "eos";
      } else {
        c.text += tokenizer.piece(choice.token);
        for (const auto& s : options.stop)
          if (ends_with(c.text, s)) c.finish_reason = "stop";
        // bos + prompt + completion never exceeds max_seq_len tokens.
        if (c.finish_reason.empty() &&
            (static_cast<int>(c.tokens.size()) >= options.max_new_tokens ||
             cache.length - pad_v[b] + 1 >= config.max_seq_len))
          c.finish_reason = "length";
      }
      if (!c.finish_reason.empty()) {
        done[b] = 1;
        ++finished_now;
      }
    }
    if (on_done && finished_now) on_done(finished_now);
    std::vector<int64_t> alive;
    for (int64_t b = 0; b < rows; ++b)
      if (!done[b]) alive.push_back(b);
    if (alive.empty()) break;
    torch::Tensor next_ids = torch::tensor(next, torch::kInt64);
    if (static_cast<int64_t>(alive.size()) * 4 <= rows * 3) {  // drop finished rows
      torch::Tensor keep = torch::tensor(alive, torch::kInt64);
      cache.keep_rows(keep);
      pad = pad.index_select(0, keep);
      std::vector<int64_t> kept_pad;
      for (int64_t b : alive) kept_pad.push_back(pad_v[b]);
      pad_v = kept_pad;
      key_bias = key_bias.index_select(0, keep);
      next_ids = next_ids.index_select(0, keep);
      std::vector<int64_t> kept_rows;
      for (int64_t b : alive) kept_rows.push_back(row_of[b]);
      row_of = kept_rows;
      done.assign(alive.size(), 0);
    }
    const int64_t batch = next_ids.size(0);
    const int64_t s = cache.length;
    torch::Tensor pos = (s - pad).view({batch, 1});
    torch::Tensor bias = key_bias.narrow(1, 0, s + 1).view({batch, 1, 1, s + 1});
    logits = model->forward(next_ids.view({batch, 1}), pos, bias, &cache).select(1, 0);
  }
}

// At most batch_size rows, and no more than keep the cache that a step reads
// within the budget: all layers' keys and values, float, for the prompt and
// the first kBudgetedNewTokens new tokens. A step reads the cache filled so far,
// not the whole allocation, and most completions end long before the context
// does; budgeting for the whole context made passes of 16 rows at a context of
// 256, where the matrix products of a decoding step are inefficient.
int64_t rows_per_pass(const ModelConfig& config, const std::vector<std::vector<int>>& prompts,
                      const SamplingOptions& options) {
  constexpr int64_t kBudgetedNewTokens = 64;
  int64_t rows = options.batch_size;
  if (options.kv_cache_budget_mib <= 0) return rows;
  int64_t longest_prompt = 0;
  for (const auto& p : prompts) longest_prompt = std::max<int64_t>(longest_prompt, 1 + p.size());
  const int64_t read = longest_prompt + std::min<int64_t>({options.max_new_tokens, config.max_seq_len,
                                                            kBudgetedNewTokens});
  const int64_t bytes_per_row =
      int64_t{2} * config.n_layers * config.d_model * read * static_cast<int64_t>(sizeof(float));
  const int64_t budget = int64_t{options.kv_cache_budget_mib} << 20;
  return std::clamp<int64_t>(budget / bytes_per_row, 1, rows);
}

}  // namespace

std::vector<Completion> generate(Transformer& model, const Tokenizer& tokenizer,
                                 const std::vector<std::vector<int>>& prompts,
                                 const std::vector<uint64_t>& seeds, const SamplingOptions& options,
                                 const std::function<void(int64_t)>& on_done) {
  if (seeds.size() != prompts.size())
    throw Error(fmt::format("generate: {} seeds for {} prompts", seeds.size(), prompts.size()));
  if (options.batch_size <= 0) throw Error("generate: batch_size must be positive");
  if (options.max_new_tokens <= 0) throw Error("generate: max_new_tokens must be positive");
  const ModelConfig& config = model->config();
  for (size_t r = 0; r < prompts.size(); ++r) {
    if (1 + static_cast<int64_t>(prompts[r].size()) >= config.max_seq_len)
      throw Error(fmt::format("generate: prompt {} has {} tokens; with bos it leaves no room in "
                              "the model's context of {}", r, prompts[r].size(), config.max_seq_len));
    for (int id : prompts[r])
      if (id < 0 || id >= config.vocab_size)
        throw Error(fmt::format("generate: prompt {} holds token id {} outside the vocabulary", r, id));
  }
  c10::InferenceMode inference;
  std::vector<Completion> out(prompts.size());
  const size_t rows_together = static_cast<size_t>(rows_per_pass(config, prompts, options));
  for (size_t begin = 0; begin < prompts.size(); begin += rows_together) {
    size_t end = std::min(prompts.size(), begin + rows_together);
    generate_chunk(model, tokenizer, prompts, seeds, options, begin, end, out, on_done);
  }
  return out;
}

}  // namespace rlvr::model
