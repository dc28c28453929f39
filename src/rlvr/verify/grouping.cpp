#include "rlvr/verify/grouping.h"

#include <cmath>
#include <complex>
#include <cstdio>
#include <map>

#include "rlvr/verify/exact.h"

namespace rlvr::verify {

namespace {

struct Keyed {
  std::string key;
  ExprPtr expr;  // null when the answer did not parse
};

Keyed key_of(const std::string& answer, const CheckOptions& options) {
  ParseOptions popt{options.percent, options.budget};
  try {
    ParseResult r = parse_answer(answer, popt);
    if (!r.expr) return {"text:" + normalize_latex(answer), nullptr};
    if (is_scalar(*r.expr) && !has_symbols(*r.expr) && !contains_decimal(*r.expr)) {
      StepCounter steps(options.budget.max_steps);
      if (auto q = exact_rational(*r.expr, options.budget, steps)) return {"q:" + q->get_str(), r.expr};
    }
    return {"form:" + to_string(*r.expr), r.expr};
  } catch (const BudgetExceeded&) {
    return {"text:" + normalize_latex(answer), nullptr};
  }
}

std::string squeezed(std::string_view s) {
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  return out;
}

std::string format_value(std::complex<double> v) {
  char buf[64];
  if (std::fabs(v.imag()) <= 1e-12 * std::max(1.0, std::fabs(v.real()))) std::snprintf(buf, sizeof buf, "%.10g", v.real() + 0.0);
  else std::snprintf(buf, sizeof buf, "%.10g%+.10gi", v.real() + 0.0, v.imag() + 0.0);
  return buf;
}

}  // namespace

std::string canonical_answer_key(std::string_view answer) {
  Budget budget;
  ParseOptions popt;
  try {
    ParseResult r = parse_answer(answer, popt);
    if (!r.expr) return std::string("text:").append(squeezed(normalize_latex(answer)));
    ExprPtr e = r.expr;
    // "x = 3" stands for 3.
    if (e->kind == Kind::Relation && e->ops.size() == 1 && e->ops[0] == RelOp::Eq && e->args[0]->kind == Kind::Symbol)
      e = e->args[1];
    if (!is_scalar(*e)) return std::string("form:").append(to_string(*e));
    StepCounter steps(budget.max_steps);
    std::vector<std::string> names;
    collect_symbols(*e, names);
    if (names.empty()) {
      if (auto q = exact_rational(*e, budget, steps)) return std::string("q:").append(q->get_str());
    }
    std::string key = names.empty() ? "n:" : "f:";
    for (int k = 0; k < (names.empty() ? 1 : 3); ++k) {
      Point at;
      for (size_t j = 0; j < names.size(); ++j) at[names[j]] = 0.5 + 0.37 * static_cast<double>(k) + 0.23 * static_cast<double>(j);
      bool out_of_range = false;
      std::complex<double> v = numeric_value(*e, at, steps, &out_of_range);
      if (out_of_range || !std::isfinite(v.real()) || !std::isfinite(v.imag())) return std::string("form:").append(to_string(*e));
      if (k) key += ',';
      key += format_value(v);
    }
    return key;
  } catch (const BudgetExceeded&) {
    return std::string("text:").append(squeezed(normalize_latex(answer)));
  }
}

std::vector<int> equivalence_classes(const std::vector<std::string>& answers, const CheckOptions& options) {
  constexpr size_t kMaxPairwise = 64;
  std::vector<int> ids(answers.size(), -1);
  std::map<std::string, int> class_of_key;
  std::vector<Keyed> representatives;  // one per class, index = class id
  for (size_t i = 0; i < answers.size(); ++i) {
    if (answers[i].find_first_not_of(" \t\n") == std::string::npos) continue;
    Keyed k = key_of(answers[i], options);
    auto it = class_of_key.find(k.key);
    if (it != class_of_key.end()) {
      ids[i] = it->second;
      continue;
    }
    int found = -1;
    if (k.expr && representatives.size() < kMaxPairwise) {
      for (size_t c = 0; c < representatives.size() && found < 0; ++c) {
        if (representatives[c].expr && compare_parsed(representatives[c].expr, k.expr, options).equivalent)
          found = static_cast<int>(c);
      }
    }
    if (found < 0) {
      found = static_cast<int>(representatives.size());
      representatives.push_back(k);
    }
    class_of_key[k.key] = found;
    ids[i] = found;
  }
  return ids;
}

}  // namespace rlvr::verify
