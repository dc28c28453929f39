// The cached sampler against full recomputation, and the reproducibility
// promise: sample j of problem i depends only on (seed, i, j).
#include <gtest/gtest.h>

#include <ATen/Parallel.h>

#include <algorithm>
#include <numeric>

#include "model_test_support.h"
#include "rlvr/model/generate.h"
#include "rlvr/model/score.h"
#include "rlvr/util/seed.h"

using namespace rlvr::model;
using namespace rlvr::model::testing;

namespace {

struct Fixture {
  Tokenizer tok = digits_tokenizer();
  Transformer model = peaked_model(small_config(tok.vocab_size()), 11);
  std::vector<std::vector<int>> prompts = random_prompts(24, 12, tok.vocab_size(), 5);
  std::vector<uint64_t> seeds;
  Fixture() {
    for (size_t i = 0; i < prompts.size(); ++i) seeds.push_back(rlvr::derive_seed(42, {i, 0}));
  }
};

void expect_same_tokens(const std::vector<Completion>& a, const std::vector<Completion>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t r = 0; r < a.size(); ++r) {
    EXPECT_EQ(a[r].tokens, b[r].tokens) << "row " << r;
    EXPECT_EQ(a[r].finish_reason, b[r].finish_reason) << "row " << r;
    EXPECT_NEAR(a[r].logprob, b[r].logprob, 1e-3) << "row " << r;
  }
}

}  // namespace

TEST(Generate, CachedSamplingMatchesFullRecomputation) {
  Fixture f;
  SamplingOptions options;
  options.max_new_tokens = 30;
  options.batch_size = 7;
  auto completions = generate(f.model, f.tok, f.prompts, f.seeds, options);
  std::vector<std::vector<int>> tokens;
  size_t total = 0;
  for (auto& c : completions) {
    tokens.push_back(c.tokens);
    total += c.tokens.size();
    EXPECT_FALSE(c.finish_reason.empty());
  }
  ASSERT_GT(total, 200u);
  // Scoring recomputes every position from scratch, without a cache or padding.
  auto scored = score(f.model, f.prompts, tokens, 5);
  for (size_t r = 0; r < completions.size(); ++r) {
    ASSERT_EQ(scored[r].size(), completions[r].token_logprobs.size());
    double sum = 0;
    for (size_t t = 0; t < scored[r].size(); ++t) {
      EXPECT_NEAR(scored[r][t], completions[r].token_logprobs[t], 2e-4) << "row " << r << " token " << t;
      sum += scored[r][t];
    }
    EXPECT_NEAR(sum, completions[r].logprob, 2e-3);
  }
  // Greedy decoding picks the argmax of the recomputed distribution at every step.
  options.temperature = 0;
  auto greedy = generate(f.model, f.tok, f.prompts, f.seeds, options);
  torch::NoGradGuard no_grad;
  for (size_t r = 0; r < 4; ++r) {
    std::vector<int> seq{Tokenizer::kBos};
    seq.insert(seq.end(), f.prompts[r].begin(), f.prompts[r].end());
    for (int token : greedy[r].tokens) {
      auto ids = torch::tensor(std::vector<int64_t>(seq.begin(), seq.end())).unsqueeze(0);
      auto pos = torch::arange(static_cast<int64_t>(seq.size())).unsqueeze(0);
      auto logits = f.model->forward(ids, pos).select(1, static_cast<int64_t>(seq.size()) - 1);
      EXPECT_EQ(logits.argmax(-1).item<int64_t>(), token);
      seq.push_back(token);
    }
  }
}

TEST(Generate, SamplesDoNotDependOnBatchSizeCompositionOrThreads) {
  Fixture f;
  SamplingOptions options;
  options.max_new_tokens = 40;
  options.top_p = 0.95;
  options.top_k = 10;
  options.temperature = 0.8;
  options.batch_size = 1;
  auto alone = generate(f.model, f.tok, f.prompts, f.seeds, options);
  options.batch_size = 64;
  expect_same_tokens(alone, generate(f.model, f.tok, f.prompts, f.seeds, options));
  options.batch_size = 5;
  expect_same_tokens(alone, generate(f.model, f.tok, f.prompts, f.seeds, options));

  // Another composition: reversed order, mixed with unrelated prompts.
  auto others = random_prompts(9, 20, f.tok.vocab_size(), 77);
  std::vector<std::vector<int>> mixed_prompts;
  std::vector<uint64_t> mixed_seeds;
  std::vector<size_t> origin;
  for (size_t i = f.prompts.size(); i-- > 0;) {
    mixed_prompts.push_back(f.prompts[i]);
    mixed_seeds.push_back(f.seeds[i]);
    origin.push_back(i);
    if (i < others.size()) {
      mixed_prompts.push_back(others[i]);
      mixed_seeds.push_back(1000 + i);
      origin.push_back(SIZE_MAX);
    }
  }
  options.batch_size = 8;
  auto mixed = generate(f.model, f.tok, mixed_prompts, mixed_seeds, options);
  std::vector<Completion> picked(f.prompts.size());
  for (size_t k = 0; k < mixed.size(); ++k)
    if (origin[k] != SIZE_MAX) picked[origin[k]] = mixed[k];
  expect_same_tokens(alone, picked);

  int threads = at::get_num_threads();
  set_threads(threads == 1 ? 2 : 1);
  options.batch_size = 16;
  expect_same_tokens(alone, generate(f.model, f.tok, f.prompts, f.seeds, options));
  set_threads(threads);
}

// The samples of one problem share their prompt's prefill; each must still be
// the sample it would be alone, and its log-probs those of a full recomputation.
TEST(Generate, RowsThatShareAPromptSampleAsIfAlone) {
  Fixture f;
  SamplingOptions options;
  options.max_new_tokens = 30;
  std::vector<std::vector<int>> prompts;
  std::vector<uint64_t> seeds;
  for (uint64_t j = 0; j < 4; ++j)
    for (size_t i = 0; i < 6; ++i) {
      prompts.push_back(f.prompts[i]);
      seeds.push_back(rlvr::derive_seed(7, {i, j}));
    }
  options.batch_size = 1;
  auto alone = generate(f.model, f.tok, prompts, seeds, options);
  options.batch_size = 24;
  auto together = generate(f.model, f.tok, prompts, seeds, options);
  expect_same_tokens(alone, together);

  int differ_from_first = 0;  // the rows of one prompt are different samples
  for (size_t r = 6; r < together.size(); ++r) differ_from_first += together[r].tokens != together[r % 6].tokens;
  EXPECT_GT(differ_from_first, 9);
  std::vector<std::vector<int>> tokens;
  for (auto& c : together) tokens.push_back(c.tokens);
  auto scored = score(f.model, prompts, tokens, 5);
  for (size_t r = 0; r < together.size(); ++r) {
    ASSERT_EQ(scored[r].size(), together[r].token_logprobs.size());
    for (size_t t = 0; t < scored[r].size(); ++t)
      EXPECT_NEAR(scored[r][t], together[r].token_logprobs[t], 2e-4)
          << "row " << r << " token " << t;
  }
}

TEST(Generate, DifferentSeedsGiveDifferentSamples) {
  Fixture f;
  SamplingOptions options;
  options.max_new_tokens = 20;
  std::vector<uint64_t> other;
  for (size_t i = 0; i < f.prompts.size(); ++i) other.push_back(rlvr::derive_seed(42, {i, 1}));
  auto a = generate(f.model, f.tok, f.prompts, f.seeds, options);
  auto b = generate(f.model, f.tok, f.prompts, other, options);
  int differ = 0;
  for (size_t r = 0; r < a.size(); ++r) differ += a[r].tokens != b[r].tokens;
  EXPECT_GT(differ, 12);
}

TEST(Generate, StopStringsAndMaximumLength) {
  Fixture f;
  SamplingOptions options;
  options.max_new_tokens = 25;
  auto full = generate(f.model, f.tok, f.prompts, f.seeds, options);
  for (auto& c : full) {
    if (c.finish_reason == "length") {
      EXPECT_EQ(c.tokens.size(), 25u);
    }
    if (c.finish_reason == "eos") {
      EXPECT_EQ(c.tokens.back(), Tokenizer::kEos);
    }
  }
  // Stop at the first occurrence of a two-character string found in row 0.
  size_t row = 0;
  while (row < full.size() && full[row].text.size() < 6) ++row;
  ASSERT_LT(row, full.size());
  std::string stop = full[row].text.substr(3, 2);
  options.stop = {stop};
  auto stopped = generate(f.model, f.tok, f.prompts, f.seeds, options);
  size_t at = full[row].text.find(stop);
  EXPECT_EQ(stopped[row].text, full[row].text.substr(0, at + 2));
  EXPECT_EQ(stopped[row].finish_reason, "stop");
  // The context limit: a prompt near max_seq_len leaves room for only a few tokens.
  std::vector<std::vector<int>> longp{std::vector<int>(60, 5)};
  auto tight = generate(f.model, f.tok, longp, {3}, SamplingOptions{});
  // bos + 60 prompt tokens leave room for 3 (fewer only if eos came first).
  if (tight[0].finish_reason == "length") {
    EXPECT_EQ(tight[0].tokens.size(), 3u);
  }
  EXPECT_LE(tight[0].tokens.size(), 3u);
  EXPECT_FALSE(tight[0].finish_reason.empty());
}

TEST(Score, DifferentiableScoresMatchAndCarryGradients) {
  Fixture f;
  std::vector<std::vector<int>> prompts{{3, 4, 5}, {6}};
  std::vector<std::vector<int>> completions{{7, 8}, {9, 10, Tokenizer::kEos}};
  ScoredBatch batch = score_batch(f.model, prompts, completions);
  EXPECT_EQ(batch.logprobs.sizes(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(batch.mask[0][2].item<float>(), 0.0f);
  batch.logprobs.sum().backward();
  EXPECT_GT(f.model->named_weights()[1].second.grad().abs().sum().item<float>(), 0.0f);
  auto plain = score(f.model, prompts, completions);
  EXPECT_NEAR(plain[1][2], batch.logprobs[1][2].item<float>(), 1e-5);
  // By hand: the first completion token's log-prob from an uncached forward pass.
  torch::NoGradGuard no_grad;
  auto ids = torch::tensor(std::vector<int64_t>{Tokenizer::kBos, 3, 4, 5}).unsqueeze(0);
  auto logits = f.model->forward(ids, torch::arange(4).unsqueeze(0));
  float expected = torch::log_softmax(logits[0][3], -1)[7].item<float>();
  EXPECT_NEAR(plain[0][0], expected, 1e-5);
}
