#include "rlvr/verify/equivalence.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <map>
#include <optional>

#include "rlvr/verify/exact.h"
#include "rlvr/verify/symbolic.h"

namespace rlvr::verify {

namespace {

struct Outcome {
  bool equal = false;
  std::string reason;
  bool decided = true;
  std::string detail = {};
};

Outcome yes(std::string reason) { return {true, std::move(reason)}; }
Outcome no(std::string reason) { return {false, std::move(reason)}; }
Outcome undecided(std::string reason, std::string detail) { return {false, std::move(reason), false, std::move(detail)}; }

// A bare name on the left of "x = 3", "f(x) = ...", "(p, q) = ...".
bool name_like(const Expr& e) {
  if (e.kind == Kind::Symbol) return true;
  if (e.kind == Kind::Func && e.name.size() == 1) return true;
  if (e.kind == Kind::Tuple)
    return std::all_of(e.args.begin(), e.args.end(), [](const ExprPtr& a) { return a->kind == Kind::Symbol; });
  return false;
}

bool is_less(RelOp op) { return op == RelOp::Lt || op == RelOp::Le; }
bool is_greater(RelOp op) { return op == RelOp::Gt || op == RelOp::Ge; }

ExprPtr matrix_arithmetic(const ExprPtr& e);

// The value an answer stands for: "x = 5+5+1 = 11" -> "x = 11", "x \approx 3" -> "x = 3",
// "-2 <= x <= 7" -> [-2, 7], "x \in S" -> S, matrix sums and products worked out.
ExprPtr reduce(const ExprPtr& e) {
  if (e->kind == Kind::Relation) {
    std::vector<ExprPtr> terms = e->args;
    std::vector<RelOp> ops = e->ops;
    auto approx = std::find(ops.begin(), ops.end(), RelOp::Approx);
    if (approx != ops.end()) {
      size_t k = static_cast<size_t>(approx - ops.begin());
      bool eq_before = std::find(ops.begin(), approx, RelOp::Eq) != approx;
      if (eq_before) {
        terms.resize(k + 1);
        ops.resize(k);
      }
      for (auto& op : ops)
        if (op == RelOp::Approx) op = RelOp::Eq;
    }
    bool all_eq = std::all_of(ops.begin(), ops.end(), [](RelOp op) { return op == RelOp::Eq; });
    if (all_eq && ops.size() > 1) {
      ExprPtr lhs = terms[0];
      for (size_t i = 0; i + 1 < terms.size(); ++i)
        if (name_like(*terms[i])) lhs = terms[i];
      return make_relation({lhs, terms.back()}, {RelOp::Eq});
    }
    if (ops.size() == 2 && terms[1]->kind == Kind::Symbol &&
        ((is_less(ops[0]) && is_less(ops[1])) || (is_greater(ops[0]) && is_greater(ops[1])))) {
      bool less = is_less(ops[0]);
      ExprPtr lo = less ? terms[0] : terms[2];
      ExprPtr hi = less ? terms[2] : terms[0];
      bool lo_closed = less ? ops[0] == RelOp::Le : ops[1] == RelOp::Ge;
      bool hi_closed = less ? ops[1] == RelOp::Le : ops[0] == RelOp::Ge;
      auto interval = std::make_shared<Expr>(*make_interval(lo, hi, lo_closed, hi_closed));
      interval->from_inequality = true;
      return interval;
    }
    if (ops.size() == 1 && ops[0] == RelOp::In && name_like(*terms[0])) return reduce(terms[1]);
    if (terms != e->args || ops != e->ops) return make_relation(std::move(terms), std::move(ops));
    return e;
  }
  if (e->kind == Kind::Add || e->kind == Kind::Mul) return matrix_arithmetic(e);
  return e;
}

ExprPtr matrix_arithmetic(const ExprPtr& e) {
  bool any_matrix = std::any_of(e->args.begin(), e->args.end(), [](const ExprPtr& a) { return a->kind == Kind::Matrix; });
  if (!any_matrix) return e;
  if (e->kind == Kind::Add) {
    const Expr& first = *e->args[0];
    for (const auto& a : e->args)
      if (a->kind != Kind::Matrix || a->rows != first.rows || a->cols != first.cols) return e;
    std::vector<ExprPtr> cells;
    for (size_t i = 0; i < first.args.size(); ++i) {
      std::vector<ExprPtr> terms;
      for (const auto& a : e->args) terms.push_back(a->args[i]);
      cells.push_back(make_node(Kind::Add, std::move(terms)));
    }
    return make_matrix(std::move(cells), first.rows, first.cols);
  }
  // Products: scalars scale, matrices multiply left to right.
  std::vector<ExprPtr> scalars;
  ExprPtr product;
  for (const auto& a : e->args) {
    if (a->kind != Kind::Matrix) {
      if (!is_scalar(*a)) return e;
      scalars.push_back(a);
      continue;
    }
    if (!product) {
      product = a;
      continue;
    }
    if (product->cols != a->rows) return e;
    std::vector<ExprPtr> cells;
    for (size_t r = 0; r < product->rows; ++r)
      for (size_t c = 0; c < a->cols; ++c) {
        std::vector<ExprPtr> terms;
        for (size_t k = 0; k < product->cols; ++k)
          terms.push_back(make_node(Kind::Mul, {product->args[r * product->cols + k], a->args[k * a->cols + c]}));
        cells.push_back(make_node(Kind::Add, std::move(terms)));
      }
    product = make_matrix(std::move(cells), product->rows, a->cols);
  }
  if (!scalars.empty()) {
    std::vector<ExprPtr> cells;
    for (const auto& cell : product->args) {
      std::vector<ExprPtr> factors = scalars;
      factors.push_back(cell);
      cells.push_back(make_node(Kind::Mul, std::move(factors)));
    }
    product = make_matrix(std::move(cells), product->rows, product->cols);
  }
  return product;
}

// a ± b stands for the two values; inside collections it contributes both.
ExprPtr expand_plus_minus(const ExprPtr& e) {
  if (e->kind == Kind::PlusMinus) {
    return make_node(Kind::Set, {make_node(Kind::Add, {e->args[0], e->args[1]}),
                                 make_node(Kind::Add, {e->args[0], make_neg(e->args[1])})});
  }
  if (!is_collection(e->kind)) return e;
  bool any = std::any_of(e->args.begin(), e->args.end(), [](const ExprPtr& a) { return a->kind == Kind::PlusMinus; });
  if (!any) return e;
  std::vector<ExprPtr> items;
  for (const auto& a : e->args) {
    if (a->kind == Kind::PlusMinus) {
      auto pair = expand_plus_minus(a);
      items.insert(items.end(), pair->args.begin(), pair->args.end());
    } else {
      items.push_back(a);
    }
  }
  // Expanding makes the order meaningless: the result is a set.
  return make_node(Kind::Set, std::move(items));
}

class Comparer {
 public:
  explicit Comparer(const CheckOptions& options) : opt_(options), steps_(options.budget.max_steps) {}

  Outcome compare(ExprPtr g, ExprPtr p) {
    steps_.tick();
    g = expand_plus_minus(reduce(g));
    p = expand_plus_minus(reduce(p));
    if (g->kind == Kind::Relation || p->kind == Kind::Relation) return compare_relations(*g, *p);
    if (g->kind == Kind::Text || p->kind == Kind::Text) return compare_text(*g, *p);
    if (g->kind == Kind::Interval && p->kind == Kind::Interval) return compare_intervals(*g, *p);
    if (g->kind == Kind::Interval && p->kind == Kind::Tuple) return compare_tuple_interval(*p, *g);
    if (p->kind == Kind::Interval && g->kind == Kind::Tuple) return compare_tuple_interval(*g, *p);
    if (g->kind == Kind::Union && p->kind == Kind::Union) return compare_unordered(g->args, p->args);
    if (g->kind == Kind::Matrix || p->kind == Kind::Matrix) return compare_matrices(*g, *p);
    bool gc = is_collection(g->kind), pc = is_collection(p->kind);
    if (gc && pc) return compare_collections(*g, *p);
    if (gc && g->args.size() == 1) return compare(g->args[0], p);
    if (pc && p->args.size() == 1) return compare(g, p->args[0]);
    if (is_scalar(*g) && is_scalar(*p)) return compare_scalars(*g, *p);
    return no("structure");
  }

 private:
  const CheckOptions& opt_;
  StepCounter steps_;

  Outcome compare_text(const Expr& g, const Expr& p) {
    auto text_of = [](const Expr& e) -> std::optional<std::string> {
      if (e.kind == Kind::Text) return e.name;
      if (e.kind == Kind::Symbol) {
        std::string s = e.name;
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
      }
      return std::nullopt;
    };
    auto a = text_of(g), b = text_of(p);
    if (a && b && *a == *b) return yes("text");
    return no("text");
  }

  Outcome compare_intervals(const Expr& g, const Expr& p) {
    if (p.from_inequality && !g.from_inequality && !opt_.allow_set_relation) return no("structure");
    if (g.left_closed != p.left_closed || g.right_closed != p.right_closed) return no("structure");
    Outcome lo = compare(g.args[0], p.args[0]);
    if (!lo.equal) return lo;
    return compare(g.args[1], p.args[1]);
  }

  // (a, b) written with parentheses may be an open interval.
  Outcome compare_tuple_interval(const Expr& tuple, const Expr& interval) {
    if (tuple.args.size() != 2 || interval.left_closed || interval.right_closed) return no("structure");
    Outcome lo = compare(tuple.args[0], interval.args[0]);
    if (!lo.equal) return lo;
    return compare(tuple.args[1], interval.args[1]);
  }

  Outcome compare_matrices(const Expr& g, const Expr& p) {
    if (g.kind != Kind::Matrix || p.kind != Kind::Matrix || g.rows != p.rows || g.cols != p.cols) return no("structure");
    return compare_ordered(g.args, p.args);
  }

  Outcome compare_ordered(const std::vector<ExprPtr>& g, const std::vector<ExprPtr>& p) {
    if (g.size() != p.size()) return no("structure");
    Outcome last = yes("exact");
    for (size_t i = 0; i < g.size(); ++i) {
      Outcome o = compare(g[i], p[i]);
      if (!o.equal) return o;
      if (o.reason != "exact") last = o;
    }
    return last;
  }

  // Set semantics: every element on each side matches one on the other side.
  Outcome compare_unordered(const std::vector<ExprPtr>& g, const std::vector<ExprPtr>& p) {
    Outcome last = yes("exact");
    auto covered = [&](const std::vector<ExprPtr>& from, const std::vector<ExprPtr>& to) -> std::optional<Outcome> {
      for (const auto& a : from) {
        bool found = false;
        for (const auto& b : to) {
          Outcome o = compare(a, b);
          if (!o.decided) return o;
          if (o.equal) {
            if (o.reason != "exact") last = o;
            found = true;
            break;
          }
        }
        if (!found) return no("structure");
      }
      return std::nullopt;
    };
    if (auto o = covered(g, p)) return *o;
    if (auto o = covered(p, g)) return *o;
    return last;
  }

  Outcome compare_collections(const Expr& g, const Expr& p) {
    // A tuple is ordered and a set is not: they are different answers.
    if ((g.kind == Kind::Tuple && p.kind == Kind::Set) || (g.kind == Kind::Set && p.kind == Kind::Tuple)) return no("structure");
    bool ordered = (g.kind == Kind::Tuple && p.kind != Kind::Set) || (p.kind == Kind::Tuple && g.kind != Kind::Set);
    if (ordered) return compare_ordered(g.args, p.args);
    return compare_unordered(g.args, p.args);
  }

  Outcome compare_relations(const Expr& g, const Expr& p) {
    if (g.kind == Kind::Relation && p.kind == Kind::Relation) {
      if (g.ops.size() == 1 && p.ops.size() == 1) {
        if (g.ops[0] == RelOp::Eq && p.ops[0] == RelOp::Eq && name_like(*g.args[0]) && name_like(*p.args[0]) &&
            to_string(*g.args[0]) == to_string(*p.args[0]))
          return compare(g.args[1], p.args[1]);
        if (is_scalar(*g.args[0]) && is_scalar(*g.args[1]) && is_scalar(*p.args[0]) && is_scalar(*p.args[1]))
          return compare_scaled_relations(g, p);
      }
      if (g.ops != p.ops) return no("structure");
      return compare_ordered(g.args, p.args);
    }
    const Expr& rel = g.kind == Kind::Relation ? g : p;
    const ExprPtr value = g.kind == Kind::Relation ? std::make_shared<Expr>(p) : std::make_shared<Expr>(g);
    if (rel.ops.size() != 1 || rel.ops[0] != RelOp::Eq) return no("structure");
    const Expr& lhs = *rel.args[0];
    const ExprPtr& rhs = rel.args[1];
    bool take_rhs = name_like(lhs) || (!has_symbols(lhs) && !has_symbols(*rhs));
    if (!take_rhs) return no("structure");
    return g.kind == Kind::Relation ? compare(rhs, value) : compare(value, rhs);
  }

  // L op R as d op 0 with op in {=, !=, <, <=}.
  static std::pair<ExprPtr, RelOp> canonical(const Expr& r) {
    RelOp op = r.ops[0];
    const ExprPtr& l = r.args[0];
    const ExprPtr& h = r.args[1];
    if (op == RelOp::Gt) return {make_node(Kind::Add, {h, make_neg(l)}), RelOp::Lt};
    if (op == RelOp::Ge) return {make_node(Kind::Add, {h, make_neg(l)}), RelOp::Le};
    return {make_node(Kind::Add, {l, make_neg(h)}), op};
  }

  // Same relation up to rearrangement and scaling: d1 = c * d2 with c a non-zero
  // constant (positive for inequalities), tested at the sample points.
  Outcome compare_scaled_relations(const Expr& g, const Expr& p) {
    auto [dg, og] = canonical(g);
    auto [dp, op] = canonical(p);
    if (og != op) return no("structure");
    auto points = sample_points(*dg, *dp);
    std::optional<std::complex<double>> ratio;
    size_t used = 0;
    for (const auto& [pg, pp] : points) {
      bool out_of_range = false;
      auto a = numeric_value(*dg, pg, steps_, &out_of_range);
      auto b = numeric_value(*dp, pp, steps_, &out_of_range);
      if (out_of_range || !finite(a) || !finite(b)) continue;
      if (std::abs(a) < 1e-12 && std::abs(b) < 1e-12) continue;
      if (std::abs(b) < 1e-12 || std::abs(a) < 1e-12) return no("numeric");
      auto r = a / b;
      if (!ratio) ratio = r;
      else if (std::abs(r - *ratio) > 1e-8 * std::max(1.0, std::abs(*ratio))) return no("numeric");
      ++used;
    }
    if (!ratio) {
      // Both sides vanish everywhere (identities such as 1 + 1 = 2): compare the sides.
      return compare_ordered(g.args, p.args);
    }
    if ((og == RelOp::Lt || og == RelOp::Le) && !(ratio->real() > 0 && std::fabs(ratio->imag()) < 1e-9))
      return no("numeric");
    (void)used;
    return yes("numeric");
  }

  static bool finite(const std::complex<double>& z) { return std::isfinite(z.real()) && std::isfinite(z.imag()); }

  // Pairs of points (for the gold, for the prediction). With strict off, a
  // prediction whose variables differ only in name gets the gold's values.
  std::vector<std::pair<Point, Point>> sample_points(const Expr& g, const Expr& p) {
    std::vector<std::string> gs, ps;
    collect_symbols(g, gs);
    collect_symbols(p, ps);
    std::vector<std::string> all = gs;
    all.insert(all.end(), ps.begin(), ps.end());
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    bool rename = !opt_.strict && gs != ps && gs.size() == ps.size();
    size_t count = all.empty() ? 1 : 6;
    std::vector<std::pair<Point, Point>> points;
    for (size_t k = 0; k < count; ++k) {
      Point pg, pp;
      for (size_t j = 0; j < all.size(); ++j) {
        double frac = std::fmod(0.6180339887 * static_cast<double>(k + 1) + 0.4142135623 * static_cast<double>(j + 1), 1.0);
        pg[all[j]] = 0.35 + 2.3 * frac;
      }
      pp = pg;
      if (rename)
        for (size_t j = 0; j < ps.size(); ++j) pp[ps[j]] = pg[gs[j]];
      points.emplace_back(std::move(pg), std::move(pp));
    }
    return points;
  }

  double tolerance(bool decimals) const {
    if (!decimals) return 1e-9;
    return std::pow(10.0, -std::clamp(opt_.precision, 0, 15));
  }

  // +1 / -1 for expressions that are plus or minus infinity (oo, -oo, 2 - oo).
  static std::optional<int> infinity_sign(const Expr& e) {
    switch (e.kind) {
      case Kind::Constant:
        if (e.name == "inf") return 1;
        return std::nullopt;
      case Kind::Mul: {
        int sign = 1;
        bool infinite = false;
        for (const auto& a : e.args) {
          if (a->kind == Kind::Number) {
            if (a->number == 0) return std::nullopt;
            sign *= a->number < 0 ? -1 : 1;
          } else if (auto s = infinity_sign(*a); s && !infinite) {
            sign *= *s;
            infinite = true;
          } else {
            return std::nullopt;
          }
        }
        if (!infinite) return std::nullopt;
        return sign;
      }
      case Kind::Add: {
        std::optional<int> sign;
        for (const auto& a : e.args) {
          if (auto s = infinity_sign(*a)) {
            if (sign) return std::nullopt;  // oo - oo is undefined
            sign = s;
          } else if (has_infinity(*a) || has_symbols(*a)) {
            return std::nullopt;
          }
        }
        return sign;
      }
      default: return std::nullopt;
    }
  }

  Outcome compare_scalars(const Expr& g, const Expr& p) {
    if (has_infinity(g) || has_infinity(p)) {
      auto sg = infinity_sign(g), sp = infinity_sign(p);
      if (sg || sp) return sg == sp ? yes("exact") : no("exact");
    }
    bool decimals = contains_decimal(g) || contains_decimal(p);
    bool symbols = has_symbols(g) || has_symbols(p);
    if (!symbols) {
      auto eg = exact_rational(g, opt_.budget, steps_);
      if (eg) {
        auto ep = exact_rational(p, opt_.budget, steps_);
        if (ep) {
          if (!decimals) return *eg == *ep ? yes("exact") : no("exact");
          mpq_class scale = abs(*eg) > 1 ? mpq_class(abs(*eg)) : mpq_class(1);
          mpz_class ten;
          mpz_ui_pow_ui(ten.get_mpz_t(), 10, static_cast<unsigned long>(std::clamp(opt_.precision, 0, 30)));
          return abs(*eg - *ep) <= scale / mpq_class(ten) ? yes("numeric") : no("numeric");
        }
      }
    }
    const double tol = tolerance(decimals);
    size_t valid = 0, lost = 0;
    for (const auto& [pg, pp] : sample_points(g, p)) {
      bool out_of_range = false;
      auto a = numeric_value(g, pg, steps_, &out_of_range);
      auto b = numeric_value(p, pp, steps_, &out_of_range);
      if (out_of_range) {
        ++lost;
        continue;  // overflow or underflow: this point says nothing
      }
      bool fa = finite(a), fb = finite(b);
      if (!fa || !fb) {
        bool nan_a = std::isnan(a.real()) || std::isnan(a.imag());
        bool nan_b = std::isnan(b.real()) || std::isnan(b.imag());
        if (nan_a || nan_b) continue;  // undefined here: try the next point
        // Infinities: equal only with the same sign (oo vs oo, -oo vs -oo).
        if (!fa && !fb && a == b) {
          ++valid;
          continue;
        }
        if (!fa && !fb) return no("numeric");
        if (g.kind == Kind::Constant || p.kind == Kind::Constant || has_infinity(g) || has_infinity(p)) return no("numeric");
        return undecided("budget", "value outside the range of double precision");
      }
      if (std::abs(a) > 1e290 || std::abs(b) > 1e290) return undecided("budget", "value outside the range of double precision");
      double scale = std::max(1.0, std::abs(a));
      if (std::abs(a - b) > tol * scale) return no("numeric");
      ++valid;
    }
    if (valid == 0 && lost > 0) return undecided("budget", "values outside the range of double precision");
    if (valid == 0) return undecided("numeric", "undefined at every sample point");
    if (!decimals) {
      auto s = symbolic_equal(g, p, opt_.budget);
      if (s && *s) return yes("symbolic");
    }
    return yes("numeric");
  }

  static bool has_infinity(const Expr& e) {
    if (e.kind == Kind::Constant && e.name == "inf") return true;
    return std::any_of(e.args.begin(), e.args.end(), [](const ExprPtr& a) { return has_infinity(*a); });
  }
};

std::string squeeze(std::string_view s) {
  std::string out;
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) out += c;
  return out;
}

// A gold written as a bare LaTeX answer ("\\frac{270}7\\text{ degrees}", "-2,1",
// "2k") is the answer itself, not a text to search.
bool bare_answer(std::string_view gold, const CheckOptions& options) {
  if (std::find(options.extract.begin(), options.extract.end(), ExtractKind::Latex) == options.extract.end()) return false;
  if (gold.size() > 500) return false;
  for (std::string_view marker : {"$", "\\(", "\\[", "boxed", "fbox", "\n"}) {
    if (gold.find(marker) != std::string_view::npos) return false;
  }
  std::string low(gold);
  for (char& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return low.find("answer") == std::string::npos;
}

}  // namespace

Verdict compare_parsed(const ExprPtr& gold, const ExprPtr& pred, const CheckOptions& options) {
  Verdict v;
  v.gold_norm = to_string(*gold);
  v.pred_norm = to_string(*pred);
  try {
    Comparer comparer(options);
    Outcome o = comparer.compare(gold, pred);
    v.equivalent = o.equal;
    v.decided = o.decided;
    v.reason = o.reason;
    v.detail = o.detail;
  } catch (const BudgetExceeded& e) {
    v.equivalent = false;
    v.decided = false;
    v.reason = "budget";
    v.detail = e.what();
  }
  return v;
}

Verdict compare_answers(std::string_view gold_answer, std::string_view pred_answer, const CheckOptions& options) {
  Verdict v;
  v.gold_answer = std::string(gold_answer);
  v.pred_answer = std::string(pred_answer);
  if (std::max(gold_answer.size(), pred_answer.size()) > options.budget.max_answer_chars) {
    v.decided = false;
    v.reason = "budget";
    v.detail = "answer longer than " + std::to_string(options.budget.max_answer_chars) + " characters";
    return v;
  }
  std::string gn = normalize_latex(gold_answer);
  std::string pn = normalize_latex(pred_answer);
  if (!gn.empty() && squeeze(gn) == squeeze(pn)) {
    v.equivalent = true;
    v.reason = "string";
    v.gold_norm = gn;
    v.pred_norm = pn;
    return v;
  }
  ParseOptions popt{options.percent, options.budget};
  try {
    ParseResult g = parse_answer(gold_answer, popt);
    if (!g.expr) {
      v.decided = false;
      v.reason = "parse_error";
      v.detail = "gold: " + g.error;
      v.gold_norm = gn;
      v.pred_norm = pn;
      return v;
    }
    ParseResult p = parse_answer(pred_answer, popt);
    if (!p.expr) {
      v.decided = true;  // the gold is fine; an unreadable prediction is wrong
      v.reason = "parse_error";
      v.detail = "pred: " + p.error;
      v.gold_norm = to_string(*g.expr);
      v.pred_norm = pn;
      return v;
    }
    Verdict c = compare_parsed(g.expr, p.expr, options);
    c.gold_answer = v.gold_answer;
    c.pred_answer = v.pred_answer;
    return c;
  } catch (const BudgetExceeded& e) {
    v.decided = false;
    v.reason = "budget";
    v.detail = e.what();
    return v;
  }
}

Verdict check(std::string_view gold_text, std::string_view pred_text, const CheckOptions& options) {
  if (pred_text.size() > options.budget.max_text_chars) pred_text = pred_text.substr(pred_text.size() - options.budget.max_text_chars);
  std::optional<Extracted> gold;
  if (bare_answer(gold_text, options)) gold = Extracted{std::string(gold_text), "whole"};
  else gold = extract_answer(gold_text, options.extract);
  if (!gold) {
    Verdict v;
    v.decided = false;
    v.reason = "no_answer";
    v.detail = "no answer found in the gold text";
    return v;
  }
  auto pred = extract_answer(pred_text, options.extract);
  if (!pred) {
    Verdict v;
    v.reason = "no_answer";
    v.detail = "no answer found in the prediction";
    v.gold_answer = gold->answer;
    return v;
  }
  return compare_answers(gold->answer, pred->answer, options);
}

}  // namespace rlvr::verify
