// Parses one extracted answer, LaTeX or plain text, into an expression tree.
// Supported: numbers (thousands separators, scientific notation, percent),
// \frac \dfrac \tfrac \cfrac \sqrt[n]{} ^ _ \cdot \times \div, \pi e i \infty,
// functions (trig, inverse trig, hyperbolic, log/ln/exp, abs, floor, ceil,
// \binom, factorial), \left \right, \text{} / \mathrm{} units (dropped),
// degrees (dropped), relations (= != < <= > >= \in \approx, chained), sets,
// lists, tuples, intervals with open/closed ends and unions, pmatrix /
// bmatrix / array, \pm, ratios a:b, set-builder sets \{x \mid ...\}, indexed
// sums and products, derivations in aligned environments (their last
// statement), lists joined by words, and plain-text answers. Not supported
// (parse_error): integrals, limits, derivatives, \cap.
#pragma once

#include <string>
#include <string_view>

#include "rlvr/verify/budget.h"
#include "rlvr/verify/expr.h"

namespace rlvr::verify {

// How "28\%" relates to 28 and 0.28. Strip (default): the sign is a unit and
// is dropped, so 28\% equals 28 and not 0.28; graders of MATH-style answers
// expect this. Fraction: 28\% means 0.28, so it equals 0.28 and not 28.
enum class PercentPolicy { Strip, Fraction };

struct ParseOptions {
  PercentPolicy percent = PercentPolicy::Strip;
  Budget budget;
};

struct ParseResult {
  ExprPtr expr;       // null when the answer cannot be parsed
  std::string error;  // why not, for the verdict's audit trail
};

// Throws BudgetExceeded when the answer is larger than the budget allows.
ParseResult parse_answer(std::string_view answer, const ParseOptions& options);

// The textual clean-up that runs before parsing: doubled backslashes before
// known commands, \left/\right, spacing commands, $ and \$, \dfrac -> \frac,
// unicode symbols. Exposed so tests and audit output can show it.
std::string normalize_latex(std::string_view answer);

}  // namespace rlvr::verify
