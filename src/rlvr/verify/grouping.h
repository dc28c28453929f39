// maj@k by equivalence: answers that a grader would accept as the same value
// ("1/2", "0.5", "\frac{1}{2}") fall into one class, so a majority vote counts
// them together instead of by raw string.
#pragma once

#include <string>
#include <vector>

#include "rlvr/verify/equivalence.h"

namespace rlvr::verify {

// Class id for each answer (extracted answer texts, not whole completions).
// Ids are 0, 1, 2, ... in order of first appearance; an empty answer (none
// extracted) or one that cannot be parsed gets its own class keyed by its
// text, except empty strings, which all get -1 (no vote). Keys: the exact
// rational value when there is one, else the normal form; distinct keys are
// merged by pairwise checks among the first 64 distinct keys.
std::vector<int> equivalence_classes(const std::vector<std::string>& answers, const CheckOptions& options);

}  // namespace rlvr::verify
