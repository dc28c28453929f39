// Distillation: supervised fine-tuning of a base model on traces of a
// stronger teacher. The teacher is either the task family's teacher strategy
// (systematic traces the base corpus never contains) or a checkpoint of a
// stronger model, whose correct samples on training problems become the
// fine-tuning documents. No libtorch in this header.
#pragma once

#include <filesystem>
#include <string>

#include "rlvr/train/pretrain.h"

namespace rlvr::train {

struct DistillOptions {
  std::string family;
  std::string init;                  // the student's starting checkpoint (the base model)
  std::string teacher = "strategy";  // "strategy" or a teacher checkpoint folder
  int difficulty = 0;                // 0: the family's default
  int documents = 20000;             // strategy teacher: traces drawn from the teacher mix
  int teacher_problems = 2000;       // model teacher: training problems it answers ...
  int teacher_samples = 4;           // ... with this many samples each (only correct ones are kept)
  uint64_t problem_seed = 1;         // held-out problems for the evaluation log
  PretrainOptions train;             // steps, learning rate, seed, threads
};

// Quick-scale defaults for fine-tuning: fewer steps and a lower learning rate
// than pretraining from scratch.
PretrainOptions default_distill_training();

PretrainResult distill_task(const std::filesystem::path& out, const DistillOptions& options);

}  // namespace rlvr::train
