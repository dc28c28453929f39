// Hard limits for one answer check. Every loop and every big-number operation
// in the verifier consults these before doing work, so a check ends in bounded
// time by construction: no clocks, no signals, safe in any thread. Inputs that
// would exceed a limit make the check "undecided" with reason "budget".
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace rlvr::verify {

struct Budget {
  size_t max_answer_chars = 4000;     // longer extracted answers are not parsed
  size_t max_text_chars = 2'000'000;  // completions longer than this are cut at the end
  size_t max_nodes = 4000;            // expression tree nodes per answer
  size_t max_depth = 120;             // nesting depth of the parser
  size_t max_bits = 60'000;           // size of any exact intermediate number
  long max_factorial = 5000;          // largest n for which n! is computed exactly
  size_t max_elements = 256;          // elements of a set, tuple or matrix
  size_t max_steps = 200'000;         // elementary operations of one comparison
  size_t max_symbolic_nodes = 80;     // larger expressions never reach the algebra library
  long max_symbolic_power = 12;       // largest integer power handed to the algebra library
};

// Thrown inside the verifier when a limit is hit; caught by check() and
// turned into an "undecided: budget" verdict. Never escapes the public API.
class BudgetExceeded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Counts elementary steps of one check against Budget::max_steps.
class StepCounter {
 public:
  explicit StepCounter(size_t limit) : limit_(limit) {}
  void tick(size_t n = 1) {
    used_ += n;
    if (used_ > limit_) throw BudgetExceeded("more than " + std::to_string(limit_) + " steps");
  }
  size_t used() const { return used_; }

 private:
  size_t limit_;
  size_t used_ = 0;
};

}  // namespace rlvr::verify
