// maj@k by equivalence: answers that a grader would accept as the same value
// ("1/2", "0.5", "\frac{1}{2}") fall into one class, so a majority vote counts
// them together instead of by raw string.
#pragma once

#include <string>
#include <string_view>
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

// A key per answer such that equivalent answers almost always share it, for
// grouping by key alone (rlvr analyze --group-answers equivalent): "q:1/2"
// for exact rationals ("0.5", "\frac{1}{2}", "x = 1/2"), "n:" plus the value
// to 10 significant digits for other constants, "f:" plus the values at fixed
// points for expressions with variables, "form:" plus the normal form for
// sets, tuples and the like, "text:" plus the cleaned text when the answer
// does not parse. Pure and thread-safe (no algebra library involved).
std::string canonical_answer_key(std::string_view answer);

}  // namespace rlvr::verify
