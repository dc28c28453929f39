// Bounded evaluation of expression trees: exact rationals with GMP where the
// value is rational, complex doubles elsewhere. Every big-number operation is
// sized before it runs (bits of a power, n of a factorial), so a tower such as
// 5^{5^{5^5}} throws BudgetExceeded at once instead of filling memory.
#pragma once

#include <complex>
#include <map>
#include <optional>
#include <string>

#include <gmpxx.h>

#include "rlvr/verify/budget.h"
#include "rlvr/verify/expr.h"

namespace rlvr::verify {

// The exact value when the expression is a rational number without variables
// (sqrt(4/9), 10!/8!, binom(5,2), 2^{-3}); nullopt when it is irrational,
// undefined or has variables. Throws BudgetExceeded for oversized numbers.
std::optional<mpq_class> exact_rational(const Expr& e, const Budget& budget, StepCounter& steps);

using Point = std::map<std::string, std::complex<double>>;

// The value at a point (variables not in `at` count as undefined: NaN).
// Unknown functions f(x) evaluate to a fixed smooth function of their
// arguments seeded by the name, so f(x) and f(y) differ unless x = y.
// `out_of_range` is set when a power or factorial overflowed or underflowed
// double precision, so the value says nothing about the exact one
// (x^{1000000} at x = 0.5 is not 0).
std::complex<double> numeric_value(const Expr& e, const Point& at, StepCounter& steps, bool* out_of_range = nullptr);

}  // namespace rlvr::verify
