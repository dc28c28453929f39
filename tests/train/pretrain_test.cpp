// Pretraining: the learning-rate schedule, and a run killed after a
// checkpoint resumes to exactly the weights of an uninterrupted run.
#include <gtest/gtest.h>

#include <random>

#include "rlvr/model/checkpoint.h"
#include "rlvr/train/pretrain.h"
#include "rlvr/train/pretrain_batch.h"
#include "rlvr/util/error.h"
#include "rlvr/util/files.h"
#include "rlvr/util/seed.h"

using namespace rlvr::model;
using namespace rlvr::train;
namespace fs = std::filesystem;

namespace {

std::vector<PretrainDocument> sums(int count) {
  std::vector<PretrainDocument> docs;
  std::mt19937 rng(3);
  for (int i = 0; i < count; ++i) {
    int a = static_cast<int>(rng() % 50), b = static_cast<int>(rng() % 50);
    docs.push_back({std::to_string(a) + "+" + std::to_string(b) + "=", std::to_string(a + b)});
  }
  return docs;
}

ModelConfig tiny() {
  ModelConfig c = preset_config("tiny");
  c.d_model = 32;
  c.n_heads = 2;
  c.d_ff = 64;
  c.max_seq_len = 32;
  return c;
}

ModelConfig tiny_with_vocab(int vocab) {
  ModelConfig c = tiny();
  c.vocab_size = vocab;
  return c;
}

// A few steps of 8 rows, two of them warm-up.
PretrainOptions short_run(int steps) {
  PretrainOptions o;
  o.steps = steps;
  o.batch_size = 8;
  o.warmup_steps = 2;
  return o;
}

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("rlvr_pretrain_" + name + std::to_string(std::random_device{}()));
  fs::remove_all(d);
  return d;
}

}  // namespace

TEST(Pretrain, LearningRateWarmsUpThenFollowsTheCosine) {
  PretrainOptions o;
  o.steps = 110;
  o.warmup_steps = 10;
  o.lr = 1.0;
  o.min_lr = 0.1;
  EXPECT_DOUBLE_EQ(pretrain_lr(o, 0), 0.1);
  EXPECT_DOUBLE_EQ(pretrain_lr(o, 9), 1.0);
  EXPECT_DOUBLE_EQ(pretrain_lr(o, 10), 1.0);
  EXPECT_NEAR(pretrain_lr(o, 60), 0.55, 1e-12);  // half way: min + (max - min) / 2
  EXPECT_NEAR(pretrain_lr(o, 110), 0.1, 1e-12);
}

TEST(Pretrain, KilledRunResumesToTheSameWeights) {
  Tokenizer tok("0123456789+=");
  auto docs = sums(200);
  PretrainOptions o = short_run(8);
  o.checkpoint_every = 3;
  o.eval_every = 4;
  o.log_every = 2;
  o.threads = 1;
  fs::path straight = temp_dir("straight"), killed = temp_dir("killed");
  int evals = 0;
  auto count_evals = [&](Transformer&, int64_t) {
    ++evals;
    return std::map<std::string, double>{{"pass@1", 0.5}};
  };
  PretrainResult r = pretrain(straight, tiny(), tok, docs, o, count_evals);
  EXPECT_EQ(r.steps_done, 8);
  EXPECT_EQ(evals, 2);  // step 4 and the end
  // The evaluation at step 4 "crashes": the last checkpoint was at step 3.
  auto crash = [](Transformer&, int64_t step) -> std::map<std::string, double> {
    if (step == 4) throw rlvr::Error("killed");
    return {};
  };
  EXPECT_THROW(pretrain(killed, tiny(), tok, docs, o, crash), rlvr::Error);
  PretrainResult resumed = pretrain(killed, tiny(), tok, docs, o, count_evals);
  EXPECT_EQ(resumed.resumed_from, 3);
  auto a = load_model(straight).model->named_weights();
  auto b = load_model(killed).model->named_weights();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i].second, b[i].second)) << a[i].first;
  // The metrics of both runs agree line for line (losses, steps, evaluations).
  auto strip_speed = [](std::string text) {
    std::string out;
    size_t pos = 0;
    while ((pos = text.find("\"tokens_per_s\":")) != std::string::npos) {
      size_t end = text.find_first_of(",}", pos);
      text.erase(pos, end - pos);
    }
    return text;
  };
  EXPECT_EQ(strip_speed(rlvr::read_file(killed / "metrics.jsonl")),
            strip_speed(rlvr::read_file(straight / "metrics.jsonl")));
  // Other settings into the same directory are refused.
  o.lr = 1e-2;
  EXPECT_THROW(pretrain(killed, tiny(), tok, docs, o, count_evals), rlvr::Error);
  fs::remove_all(straight);
  fs::remove_all(killed);
}

// A batch in shards: side by side on two threads, the very weights of the
// shards run in turn on one; and the shards' gradients add up to the whole
// batch's, so the weights stay those of an unsharded run up to rounding.
TEST(Pretrain, ShardsGiveTheSameWeightsOnOneThreadOrTwo) {
  Tokenizer tok("0123456789+=");
  auto docs = sums(200);
  PretrainOptions o = short_run(6);
  auto run = [&](const std::string& name, int threads, int shards) {
    o.threads = threads;
    o.shards = shards;
    fs::path dir = temp_dir(name);
    pretrain(dir, tiny(), tok, docs, o);
    auto weights = load_model(dir).model->named_weights();
    fs::remove_all(dir);
    return weights;
  };
  auto in_turn = run("in_turn", 1, 2);
  auto side_by_side = run("side_by_side", 2, 2);
  auto whole = run("whole", 1, 1);
  auto start = make_transformer(tiny_with_vocab(tok.vocab_size()), rlvr::derive_seed(o.seed, {0x696e6974ULL}));
  double moved = 0;
  for (size_t i = 0; i < in_turn.size(); ++i) {
    EXPECT_TRUE(torch::equal(in_turn[i].second, side_by_side[i].second)) << in_turn[i].first;
    EXPECT_TRUE(torch::allclose(in_turn[i].second, whole[i].second, 1e-4, 1e-5)) << in_turn[i].first;
    moved = std::max(moved, (whole[i].second - start->named_weights()[i].second).abs().max().item<double>());
  }
  EXPECT_GT(moved, 1e-3);  // the runs trained: agreement is not two untouched models
}

TEST(Pretrain, PackedDocumentsSeeOnlyThemselves) {
  // Three documents of 5, 4 and 6 tokens; rows of 12 hold at most two of them.
  std::vector<std::vector<int>> docs{{1, 3, 4, 5, 2}, {1, 6, 7, 2}, {1, 8, 9, 10, 11, 2}};
  rlvr::train::PackedBatch b = rlvr::train::pack_batch(docs, 3, 12, 9, 0);
  Transformer model = make_transformer(tiny_with_vocab(12), 4);
  torch::NoGradGuard no_grad;
  auto packed = model->forward(b.inputs, b.positions, b.bias);
  int64_t checked = 0;
  auto in = b.inputs.accessor<int64_t, 2>();
  auto pos = b.positions.accessor<int64_t, 2>();
  for (int64_t r = 0; r < 3; ++r)
    for (int64_t t = 0; t < 12; ++t) {
      if (pos[r][t] != 0 || in[r][t] != 1) continue;  // a document starts here
      int64_t len = 1;
      while (t + len < 12 && pos[r][t + len] == len) ++len;
      auto alone_ids = b.inputs[r].narrow(0, t, len).unsqueeze(0);
      auto alone = model->forward(alone_ids, torch::arange(len).unsqueeze(0));
      EXPECT_TRUE(torch::allclose(alone[0], packed[r].narrow(0, t, len), 1e-5, 1e-5));
      // Targets: the next token of the same document, nothing after its eos.
      EXPECT_EQ(b.targets[r][t + len - 1].item<int64_t>(), -100);
      EXPECT_EQ(b.targets[r][t].item<int64_t>(), in[r][t + 1]);
      ++checked;
    }
  EXPECT_GE(checked, 4);
  EXPECT_EQ(b.tokens, (b.targets != -100).sum().item<int64_t>());
}
