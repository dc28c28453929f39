// Pretraining and sampling on the laboratory's task families: the glue
// between the task room (problems, corpora, verifiers, alphabet) and the
// engine. What `rlvr pretrain` and `rlvr sample` run. No libtorch here.
#pragma once

#include <filesystem>
#include <string>

#include "rlvr/model/sample_file.h"
#include "rlvr/tasks/task.h"
#include "rlvr/train/pretrain.h"

namespace rlvr::train {

struct TaskPretrainOptions {
  std::string family;
  std::string corpus;           // a corpus mix ("careful=0.3,slip=0.7,difficulty=2"); "" = the family's base mix
  std::string config = "quick"; // a preset name or a JSON file of model sizes
  std::string init;             // checkpoint to fine-tune (distillation); "" = train from scratch
  // When not empty: train on these (e.g. a teacher model's correct samples)
  // instead of drawing documents from the corpus mix.
  std::vector<PretrainDocument> given_documents;
  PretrainOptions train;        // steps, seed, threads, ...
  int documents = 20000;        // distinct training documents drawn from the mix
  int eval_problems = 100;      // held-out test problems for pass@1
  uint64_t problem_seed = 1;    // which test problems (the same set `rlvr sample` uses by default)
};

// Held-out figures at each evaluation: "pass@1_greedy", "pass@1_sampled"
// (temperature 1, one sample per problem, seed from the step), "steps_valid"
// (share of greedy completions whose every step checks).
PretrainResult pretrain_task(const std::filesystem::path& out, const TaskPretrainOptions& options);

struct TaskSampleOptions {
  std::string family;
  tasks::Split split = tasks::Split::test;
  int problems = 100;           // problems 0..problems-1 of the split
  int difficulty = -1;          // -1: the difficulty the model was pretrained on, else the family default
  uint64_t problem_seed = 1;
  model::SampleRunOptions run;  // -n, sampling options, seed, threads
};

model::SampleRunResult sample_task(const std::filesystem::path& model_dir, const TaskSampleOptions& options,
                                   const std::filesystem::path& out);

}  // namespace rlvr::train
