// How often each strategy of a family is right, over generated problems: the
// figures docs/TASKS.md quotes, and what `rlvr tasks show --summary` prints.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rlvr/tasks/corpus.h"
#include "rlvr/tasks/task.h"

namespace rlvr::tasks {

struct StrategyStats {
  std::string strategy;
  uint64_t problems = 0;
  double correct = 0;            // share with the right final answer
  double steps_valid = 0;        // share whose steps check out and derive the answer
  double correct_and_valid = 0;  // right answer with valid steps (CoT-pass)
  double right_answer_bad_steps = 0;
  double mean_length = 0;  // characters of prompt + completion
  uint64_t max_length = 0;
};

// Test problems 0..count-1 of the split at `difficulty`, one trace per strategy each.
std::vector<StrategyStats> strategy_stats(const TaskFamily& family, uint64_t count,
                                          int difficulty, uint64_t seed,
                                          Split split = Split::test);

// The same figures for a corpus mix (its documents, train split): the share of right
// traces a base model sees.
StrategyStats mix_stats(const TaskFamily& family, const CorpusMix& mix, uint64_t count,
                        uint64_t seed);

}  // namespace rlvr::tasks
