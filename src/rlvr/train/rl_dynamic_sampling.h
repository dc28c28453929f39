// DAPO's dynamic sampling as a pure decision: after each generation round,
// which of its groups join the batch, and whether to generate again. Groups
// whose scores are all equal carry no GRPO signal and are dropped (a group of
// one is kept, as in verl). The batch is cut to the target once full.
#pragma once

#include <cstdint>
#include <vector>

namespace rlvr::train {

enum class SamplingDecision {
  kFull,        // the batch reached the target: train on it
  kSampleMore,  // too few groups so far and rounds are left: generate again
  kGiveUp,      // the round cap is reached: train on what was kept (verl stops with an error here)
};

struct GroupSelection {
  std::vector<int64_t> keep;  // indexes into this round's groups, in order
  SamplingDecision decision;
};

// True when the group's scores are not all equal, or it has one score.
bool group_is_informative(const std::vector<double>& scores);

// round_groups: scores of each group generated in this round; kept_so_far:
// groups kept in earlier rounds of this step; round: 1-based number of this
// round; max_rounds: cap on rounds per step.
GroupSelection select_groups(const std::vector<std::vector<double>>& round_groups,
                             int64_t kept_so_far, int64_t target, int64_t round,
                             int64_t max_rounds);

}  // namespace rlvr::train
