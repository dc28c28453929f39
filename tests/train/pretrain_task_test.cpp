// A functional test of the whole engine: a tiny model pretrained for a few
// hundred steps on careful addition traces reaches a held-out pass@1 (greedy,
// checked by the family's verifier) far above chance (an exact 2- or 3-digit
// sum guessed at random is right well under 1% of the time). The same model
// then serves as the teacher checkpoint of a distillation.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include <nlohmann/json.hpp>

#include "rlvr/train/distill.h"
#include "rlvr/train/task_runs.h"
#include "rlvr/util/error.h"
#include "rlvr/util/files.h"
#include "rlvr/util/json_lines.h"

using namespace rlvr::train;
namespace fs = std::filesystem;

namespace {

TaskPretrainOptions tiny_addition(int steps, uint64_t seed) {
  TaskPretrainOptions o;
  o.family = "addition";
  o.corpus = "careful=1,difficulty=1";
  o.config = "tiny";
  o.documents = 4000;
  o.eval_problems = 100;
  o.train.steps = steps;
  o.train.batch_size = 32;
  o.train.warmup_steps = std::min(30, steps);
  o.train.lr = 3e-3;
  o.train.eval_every = 0;
  o.train.checkpoint_every = steps;
  o.train.seed = seed;
  o.train.threads = 1;
  return o;
}

class PretrainTask : public ::testing::Test {
 protected:
  // Trained once for the suite: 300 steps.
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("rlvr_pretrain_task_" + std::to_string(std::random_device{}()));
    fs::remove_all(root_);
    trained_ = new PretrainResult(pretrain_task(root_ / "teacher", tiny_addition(300, 5)));
  }
  static void TearDownTestSuite() {
    delete trained_;
    fs::remove_all(root_);
  }
  static inline fs::path root_;
  static inline PretrainResult* trained_ = nullptr;
};

TEST_F(PretrainTask, TinyModelLearnsAdditionWellAboveChance) {
  const PretrainResult& r = *trained_;
  ASSERT_TRUE(r.final_eval.count("pass@1_greedy"));
  std::printf("held-out greedy pass@1 %.2f, final loss %.3f\n", r.final_eval.at("pass@1_greedy"), r.final_loss);
  EXPECT_GT(r.final_eval.at("pass@1_greedy"), 0.5) << "final loss " << r.final_loss;
  EXPECT_LT(r.final_loss, 1.0);
  // metrics.jsonl ends with the final evaluation.
  std::string metrics = rlvr::read_file(root_ / "teacher" / "metrics.jsonl");
  std::string last = metrics.substr(metrics.rfind('\n', metrics.size() - 2) + 1);
  auto j = nlohmann::json::parse(last);
  EXPECT_EQ(j["step"], 300);
  EXPECT_DOUBLE_EQ(j["eval"]["pass@1_greedy"].get<double>(), r.final_eval.at("pass@1_greedy"));
}

// `rlvr distill --teacher CKPT`: the teacher's correct samples on training
// problems, and only those, become the student's fine-tuning documents.
TEST_F(PretrainTask, DistillationFromATeacherCheckpointTrainsOnItsCorrectSamples) {
  pretrain_task(root_ / "student", tiny_addition(10, 6));  // a weak starting point
  DistillOptions d;
  d.family = "addition";
  d.init = (root_ / "student").string();
  d.teacher = (root_ / "teacher").string();
  d.difficulty = 1;
  d.teacher_problems = 40;
  d.teacher_samples = 2;
  d.train = tiny_addition(20, 7).train;
  PretrainResult r = distill_task(root_ / "distilled", d);
  EXPECT_TRUE(r.final_eval.count("pass@1_greedy"));

  int rows = 0, correct = 0;
  rlvr::for_each_json_line(root_ / "distilled" / "teacher_samples.jsonl", [&](const nlohmann::json& row, long) {
    ++rows;
    correct += row.value("correct", false) ? 1 : 0;
  });
  EXPECT_EQ(rows, 80);
  EXPECT_GT(correct, 20) << "the teacher solves most difficulty-1 additions";
  auto settings = nlohmann::json::parse(rlvr::read_file(root_ / "distilled" / "pretrain.json"));
  EXPECT_EQ(settings["run"]["documents"].get<int>(), correct);
  EXPECT_TRUE(settings["run"]["given_documents"].get<bool>());
  EXPECT_EQ(settings["init"].get<std::string>(), d.init);

  // A teacher that solves nothing stops the run with a message saying so.
  pretrain_task(root_ / "untrained", tiny_addition(1, 8));
  d.teacher = (root_ / "untrained").string();
  d.teacher_problems = 10;
  try {
    distill_task(root_ / "distilled_from_nothing", d);
    ADD_FAILURE() << "distilling from a teacher that solves nothing should fail";
  } catch (const rlvr::Error& e) {
    EXPECT_NE(std::string(e.what()).find("solved none of 10 training problems"), std::string::npos) << e.what();
  }
}

}  // namespace
