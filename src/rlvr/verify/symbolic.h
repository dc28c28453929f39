// Symbolic confirmation through GiNaC (with CLN), the computer algebra library
// Debian ships as libginac-dev. Chosen because it is C++ (no interpreter in
// the loop), exact (rationals, surds, pi stay symbolic), and fast on small
// expressions. It is reached only after the bounded checks: expressions larger
// than Budget::max_symbolic_nodes or with powers above max_symbolic_power are
// never handed over, so expansion stays small. GiNaC's reference counts are
// not thread-safe, so every call holds one process-wide lock.
#pragma once

#include <optional>

#include "rlvr/verify/budget.h"
#include "rlvr/verify/expr.h"

namespace rlvr::verify {

// true when a - b simplifies to zero, false when it simplifies to a non-zero
// number, nullopt when the expressions are out of bounds or undecided.
std::optional<bool> symbolic_equal(const Expr& a, const Expr& b, const Budget& budget);

}  // namespace rlvr::verify
