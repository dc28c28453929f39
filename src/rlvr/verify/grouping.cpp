#include "rlvr/verify/grouping.h"

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

}  // namespace

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
