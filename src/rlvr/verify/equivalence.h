// Deciding whether a predicted answer is equivalent to a gold answer, with a
// reason a person can audit. Order of checks for two scalars: exact rational
// arithmetic (GMP, sized before computing), then numeric comparison at fixed
// pseudo-random points, then GiNaC to confirm a numeric agreement
// symbolically. Sets compare as sets, tuples in order, intervals with their
// ends, equations up to rearrangement and non-zero scaling (inequalities up to
// positive scaling). Every check runs under a Budget and never hangs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rlvr/verify/budget.h"
#include "rlvr/verify/extract.h"
#include "rlvr/verify/latex_parser.h"

namespace rlvr::verify {

// What kind of answer the gold is, when a dataset says so (OlympiadBench's answer_type).
// Any: decided from the answers. Numerical: a prediction with variables left is wrong.
// Expression: as Any. Equation: the prediction must be an equation too (a gold "y = 2x + 1"
// does not accept "2x + 1"). Interval: a prediction written as inequalities is accepted
// (as allow_set_relation does). Tuple: an unbracketed list is compared in order (as Any).
enum class AnswerType { Any, Numerical, Expression, Equation, Interval, Tuple };

// "Numerical" -> AnswerType::Numerical ...; throws rlvr::Error naming the bad value.
AnswerType parse_answer_type(const std::string& name);

struct CheckOptions {
  std::vector<ExtractKind> extract = {ExtractKind::Latex, ExtractKind::Expr};
  // Decimal places that count when either answer is written with a decimal
  // point: |gold - pred| <= 10^-precision * max(1, |gold|).
  int precision = 6;
  // strict: variables must match by name (f(x) is not f(y)); when false, a
  // prediction whose variables differ only in their names is renamed first.
  bool strict = true;
  // An interval gold (x \in [a,b]) also accepts the inequality a <= x <= b.
  // An inequality gold always accepts the interval.
  bool allow_set_relation = false;
  // drop_labels: a gold "BC = 6" (a label naming the quantity: letters, products,
  // quotients, |..|, functions; no sums, no numbers) accepts "6", and a prediction
  // "BC = 6" is read as 6 against a gold "6". Labels on both sides must agree. Off: only
  // a bare name may be dropped (x = 6).
  bool drop_labels = true;
  AnswerType answer_type = AnswerType::Any;
  // An absolute tolerance for numbers, |gold - pred| <= tolerance (OlympiadBench's
  // `error`); negative: none (the relative precision above decides).
  double tolerance = -1;
  PercentPolicy percent = PercentPolicy::Strip;
  Budget budget;
};

// Reasons: exact, numeric, symbolic, string, text, structure (different kinds
// of answer, lengths, interval ends), no_answer, parse_error, budget.
struct Verdict {
  bool equivalent = false;
  bool decided = true;  // false for no_answer, parse_error and budget
  std::string reason;
  std::string detail;       // parse error message, budget limit hit, ...
  std::string gold_answer;  // extracted text
  std::string pred_answer;
  std::string gold_norm;  // normal form of the parsed answer
  std::string pred_norm;
};

// Extracts both answers from their texts (the gold with the same rules) and compares them.
Verdict check(std::string_view gold_text, std::string_view pred_text, const CheckOptions& options);

// Compares two already extracted answers.
Verdict compare_answers(std::string_view gold_answer, std::string_view pred_answer, const CheckOptions& options);

// Compares two parsed answers (used by grouping, which parses each answer once).
Verdict compare_parsed(const ExprPtr& gold, const ExprPtr& pred, const CheckOptions& options);

}  // namespace rlvr::verify
