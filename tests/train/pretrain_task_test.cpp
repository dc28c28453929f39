// A functional test of the whole engine: a tiny model pretrained for a few
// hundred steps on careful addition traces reaches a held-out pass@1 (greedy,
// checked by the family's verifier) far above chance (an exact 2- or 3-digit
// sum guessed at random is right well under 1% of the time).
#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include <nlohmann/json.hpp>

#include "rlvr/train/task_runs.h"
#include "rlvr/util/files.h"

using namespace rlvr::train;
namespace fs = std::filesystem;

TEST(PretrainTask, TinyModelLearnsAdditionWellAboveChance) {
  fs::path out = fs::temp_directory_path() / ("rlvr_pretrain_task_" + std::to_string(std::random_device{}()));
  fs::remove_all(out);
  TaskPretrainOptions o;
  o.family = "addition";
  o.corpus = "careful=1,difficulty=1";
  o.config = "tiny";
  o.documents = 4000;
  o.eval_problems = 100;
  o.train.steps = 300;
  o.train.batch_size = 32;
  o.train.warmup_steps = 30;
  o.train.lr = 3e-3;
  o.train.eval_every = 0;
  o.train.checkpoint_every = 300;
  o.train.seed = 5;
  o.train.threads = 1;
  PretrainResult r = pretrain_task(out, o);
  ASSERT_TRUE(r.final_eval.count("pass@1_greedy"));
  std::printf("held-out greedy pass@1 %.2f, final loss %.3f\n", r.final_eval["pass@1_greedy"], r.final_loss);
  EXPECT_GT(r.final_eval["pass@1_greedy"], 0.5) << "final loss " << r.final_loss;
  EXPECT_LT(r.final_loss, 1.0);
  // metrics.jsonl ends with the final evaluation.
  std::string metrics = rlvr::read_file(out / "metrics.jsonl");
  std::string last = metrics.substr(metrics.rfind('\n', metrics.size() - 2) + 1);
  auto j = nlohmann::json::parse(last);
  EXPECT_EQ(j["step"], 300);
  EXPECT_DOUBLE_EQ(j["eval"]["pass@1_greedy"].get<double>(), r.final_eval["pass@1_greedy"]);
  fs::remove_all(out);
}
