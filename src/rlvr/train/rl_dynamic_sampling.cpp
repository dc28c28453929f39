#include "rlvr/train/rl_dynamic_sampling.h"

#include <algorithm>

#include "rlvr/util/error.h"

namespace rlvr::train {

bool group_is_informative(const std::vector<double>& scores) {
  if (scores.size() <= 1) return true;
  return std::any_of(scores.begin(), scores.end(), [&](double s) { return s != scores.front(); });
}

GroupSelection select_groups(const std::vector<std::vector<double>>& round_groups,
                             int64_t kept_so_far, int64_t target, int64_t round,
                             int64_t max_rounds) {
  if (target < 1 || round < 1 || max_rounds < 1 || kept_so_far < 0)
    throw Error("select_groups: target, round and max_rounds must be positive");
  GroupSelection out;
  for (int64_t g = 0; g < static_cast<int64_t>(round_groups.size()); ++g) {
    if (kept_so_far + static_cast<int64_t>(out.keep.size()) >= target) break;  // cut to the target
    if (group_is_informative(round_groups[g])) out.keep.push_back(g);
  }
  int64_t total = kept_so_far + static_cast<int64_t>(out.keep.size());
  if (total >= target) out.decision = SamplingDecision::kFull;
  else if (round < max_rounds) out.decision = SamplingDecision::kSampleMore;
  else out.decision = SamplingDecision::kGiveUp;
  return out;
}

}  // namespace rlvr::train
