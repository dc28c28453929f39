// What guessing alone scores: pass@k of a model that only guesses the final
// answer (TaskFamily::guess_chance), over the problems a study evaluates. A
// family whose chance pass@k is large at the k of a study cannot show a
// boundary there: the base reaches it by luck.
#pragma once

#include <cstdint>
#include <vector>

#include "rlvr/tasks/task.h"

namespace rlvr::tasks {

// 1 - (1 - chance)^k: at least one of k guesses, each right with `chance`, is right.
double chance_pass_at_k(double chance, uint64_t k);

// Mean over the problems of 1 - (1 - chance)^k.
double chance_pass_at_k(const TaskFamily& family, const std::vector<Problem>& problems, uint64_t k);

}  // namespace rlvr::tasks
