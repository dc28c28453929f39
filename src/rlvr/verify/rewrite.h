// Rewritings of a LaTeX answer into forms a grader must accept as the same
// answer: used to build robustness workloads for the verifier (its
// self-consistency test and its benchmark).
#pragma once

#include <string>

namespace rlvr::verify {

// Every brace-matched \frac{A}{B} becomes (A)/(B), recursively; a fraction
// right after a digit (a mixed number such as 3\frac{1}{2}) becomes +(A)/(B).
std::string fractions_as_slashes(const std::string& latex);

}  // namespace rlvr::verify
