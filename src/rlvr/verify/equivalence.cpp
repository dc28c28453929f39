#include "rlvr/verify/equivalence.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <map>
#include <optional>

#include "rlvr/util/error.h"
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

// A label names a quantity on the left of "BC = 6", "|PQ| = 2\sqrt2", "\frac{AM}{MB} = \frac23",
// "x:y = 3:5", "\angle ABC = 90": letters joined by products, quotients, powers and
// functions, with no sum and no number outside exponents ("a + 3z = 0" is an equation).
bool is_label(const Expr& e) {
  switch (e.kind) {
    case Kind::Symbol: return true;
    case Kind::Constant: return e.name != "inf";  // the letters e, i, pi inside names such as AE
    case Kind::Mul:
    case Kind::Func:
      return !e.args.empty() && std::all_of(e.args.begin(), e.args.end(), [](const ExprPtr& a) { return is_label(*a); });
    case Kind::Pow: return is_label(*e.args[0]) && e.args[1]->kind == Kind::Number;
    case Kind::Tuple: return name_like(e);
    default: return false;
  }
}

bool has_letters(const Expr& e) {
  if (e.kind == Kind::Symbol || (e.kind == Kind::Constant && e.name != "pi" && e.name != "inf")) return true;
  return std::any_of(e.args.begin(), e.args.end(), [](const ExprPtr& a) { return has_letters(*a); });
}

// "L = v" whose value may stand alone: a bare name with any value (x = 2y + 1), or,
// with drop_labels, a label with a value free of variables (BC = 6).
bool labelled_value(const Expr& rel, bool drop_labels) {
  if (rel.kind != Kind::Relation || rel.ops.size() != 1 || rel.ops[0] != RelOp::Eq) return false;
  const Expr& lhs = *rel.args[0];
  if (name_like(lhs)) return true;
  return drop_labels && is_label(lhs) && has_letters(lhs) && !has_symbols(*rel.args[1]);
}

bool is_less(RelOp op) { return op == RelOp::Lt || op == RelOp::Le; }
bool is_greater(RelOp op) { return op == RelOp::Gt || op == RelOp::Ge; }

ExprPtr matrix_arithmetic(const ExprPtr& e);
ExprPtr reduce(const ExprPtr& e);

bool is_abs_of_name(const Expr& e) { return e.kind == Kind::Func && e.name == "abs" && name_like(*e.args[0]); }

ExprPtr inequality_interval(ExprPtr lo, ExprPtr hi, bool lo_closed, bool hi_closed) {
  auto interval = std::make_shared<Expr>(*make_interval(std::move(lo), std::move(hi), lo_closed, hi_closed));
  interval->from_inequality = true;
  return interval;
}

std::optional<mpq_class> rational_of(const Expr& e) {
  if (has_symbols(e)) return std::nullopt;
  Budget budget;
  StepCounter steps(1000);
  try {
    return exact_rational(e, budget, steps);
  } catch (const BudgetExceeded&) {
    return std::nullopt;
  }
}

// a <= |t| <= b with 0 <= a: t in [-b, -a] U [a, b] (one interval when a is 0).
ExprPtr abs_band(const ExprPtr& lo, const ExprPtr& hi, bool lo_closed, bool hi_closed, const ExprPtr& original) {
  auto a = rational_of(*lo);
  if (!a || *a < 0 || has_symbols(*hi)) return original;
  if (*a == 0) return inequality_interval(make_neg(hi), hi, hi_closed, hi_closed);
  auto neg = inequality_interval(make_neg(hi), make_neg(lo), hi_closed, lo_closed);
  auto pos = inequality_interval(lo, hi, lo_closed, hi_closed);
  auto u = std::make_shared<Expr>(*make_node(Kind::Union, {neg, pos}));
  u->from_inequality = true;
  return u;
}

// One inequality in one name, "x > 2", "3 >= x", "|t| < 3", as the set of values it
// allows; nullptr when it is not of that form.
ExprPtr inequality_as_set(const Expr& e) {
  if (e.kind != Kind::Relation || e.ops.size() != 1) return nullptr;
  RelOp op = e.ops[0];
  if (op == RelOp::Eq || op == RelOp::Ne || op == RelOp::In || op == RelOp::Approx) return nullptr;
  const ExprPtr& l = e.args[0];
  const ExprPtr& r = e.args[1];
  bool name_left = (name_like(*l) || is_abs_of_name(*l)) && !has_symbols(*r);
  bool name_right = (name_like(*r) || is_abs_of_name(*r)) && !has_symbols(*l);
  if (!name_left && !name_right) return nullptr;
  const ExprPtr& name = name_left ? l : r;
  const ExprPtr& bound = name_left ? r : l;
  // As "name < bound" or "name > bound".
  bool below = name_left ? is_less(op) : is_greater(op);
  bool closed = op == RelOp::Le || op == RelOp::Ge;
  ExprPtr inf = make_constant("inf");
  if (is_abs_of_name(*name)) {
    if (below) return inequality_interval(make_neg(bound), bound, closed, closed);
    auto a = rational_of(*bound);
    if (!a || *a < 0) return nullptr;
    auto u = std::make_shared<Expr>(*make_node(Kind::Union, {inequality_interval(make_neg(inf), make_neg(bound), false, closed),
                                                              inequality_interval(bound, inf, closed, false)}));
    u->from_inequality = true;
    return u;
  }
  if (below) return inequality_interval(make_neg(inf), bound, false, closed);
  return inequality_interval(bound, inf, closed, false);
}

// The same set with no interval marked as written by inequalities.
ExprPtr plain_set(const ExprPtr& e) {
  if (!e->from_inequality && e->kind != Kind::Union) return e;
  auto copy = std::make_shared<Expr>(*e);
  copy->from_inequality = false;
  for (auto& a : copy->args) a = plain_set(a);
  return copy;
}

// Inequalities joined by "or" ("x < -1 or x > 2") as a union; a double inequality as its
// interval. nullptr when some part is not an inequality in one name.
ExprPtr inequalities_as_set(const Expr& e) {
  auto one = [](const Expr& part) -> ExprPtr {
    if (part.kind == Kind::Relation && part.ops.size() == 2) {
      auto plain = std::make_shared<Expr>(part);
      plain->set_builder = false;  // reduce() of a set-builder condition comes back here
      ExprPtr r = reduce(plain);
      return r->kind == Kind::Interval || r->kind == Kind::Union ? r : nullptr;
    }
    return inequality_as_set(part);
  };
  if (e.kind == Kind::Relation) return one(e);
  if (e.kind != Kind::List) return nullptr;
  std::vector<ExprPtr> parts;
  for (const auto& a : e.args) {
    ExprPtr s = one(*a);
    if (!s) return nullptr;
    if (s->kind == Kind::Union) parts.insert(parts.end(), s->args.begin(), s->args.end());
    else parts.push_back(s);
  }
  auto u = std::make_shared<Expr>(*make_node(Kind::Union, std::move(parts)));
  u->from_inequality = true;
  return u;
}

// The value an answer stands for: "x = 5+5+1 = 11" -> "x = 11", "x \approx 3" -> "x = 3",
// "-2 <= x <= 7" -> [-2, 7], "x \in S" -> S, matrix sums and products worked out.
ExprPtr reduce(const ExprPtr& e) {
  if (e->set_builder) {
    // \{x \mid x > 2\} is the interval (2, oo): a set, so no relation asymmetry applies.
    if (ExprPtr set = inequalities_as_set(*e)) return plain_set(set);
    return e;
  }
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
      auto collapsed = std::make_shared<Expr>(*make_relation({lhs, terms.back()}, {RelOp::Eq}));
      collapsed->chain = true;
      return collapsed;
    }
    if (ops.size() == 2 && (name_like(*terms[1]) || is_abs_of_name(*terms[1])) &&
        ((is_less(ops[0]) && is_less(ops[1])) || (is_greater(ops[0]) && is_greater(ops[1])))) {
      bool less = is_less(ops[0]);
      ExprPtr lo = less ? terms[0] : terms[2];
      ExprPtr hi = less ? terms[2] : terms[0];
      bool lo_closed = less ? ops[0] == RelOp::Le : ops[1] == RelOp::Ge;
      bool hi_closed = less ? ops[1] == RelOp::Le : ops[0] == RelOp::Ge;
      if (is_abs_of_name(*terms[1])) return abs_band(lo, hi, lo_closed, hi_closed, e);
      return inequality_interval(lo, hi, lo_closed, hi_closed);
    }
    if (ops.size() == 1 && ops[0] == RelOp::In && name_like(*terms[0])) return reduce(terms[1]);
    if (terms != e->args || ops != e->ops) return make_relation(std::move(terms), std::move(ops));
    return e;
  }
  if (e->kind == Kind::Add || e->kind == Kind::Mul) return matrix_arithmetic(e);
  if (e->kind == Kind::Union && std::all_of(e->args.begin(), e->args.end(), [](const ExprPtr& a) {
        return a->kind == Kind::Set || a->kind == Kind::List;
      })) {
    // {1,3} \cup {2,4} is the finite set {1,2,3,4}.
    std::vector<ExprPtr> items;
    for (const auto& a : e->args) items.insert(items.end(), a->args.begin(), a->args.end());
    return make_node(Kind::Set, std::move(items));
  }
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
    // Inequalities against a set of values: "x > 2" and (2, oo), "x < -1 or x > 2" and a union.
    if (is_value_set(*g) && !is_value_set(*p))
      if (ExprPtr set = inequalities_as_set(*p)) p = set;
    if (is_value_set(*p) && !is_value_set(*g))
      if (ExprPtr set = inequalities_as_set(*g)) g = set;
    if (g->kind == Kind::Relation || p->kind == Kind::Relation) return compare_relations(*g, *p);
    if (g->kind == Kind::Text || p->kind == Kind::Text) return compare_text(*g, *p);
    if (g->kind == Kind::Interval && p->kind == Kind::Interval) return compare_intervals(*g, *p);
    if (g->kind == Kind::Interval && p->kind == Kind::Tuple) return compare_tuple_interval(*p, *g);
    if (p->kind == Kind::Interval && g->kind == Kind::Tuple) {
      if (p->from_inequality && !relation_to_set()) return no("structure");
      return compare_tuple_interval(*g, *p);
    }
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

  // Whether a set gold accepts a prediction written as inequalities.
  bool relation_to_set() const { return opt_.allow_set_relation || opt_.answer_type == AnswerType::Interval; }

  // Intervals, unions, and an open pair (a, b) that may be an interval.
  static bool is_value_set(const Expr& e) {
    return e.kind == Kind::Interval || e.kind == Kind::Union || (e.kind == Kind::Tuple && e.args.size() == 2);
  }

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
    if (p.from_inequality && !g.from_inequality && !relation_to_set()) return no("structure");
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
    // `from_gold`: the elements of `from` are the gold's (comparisons keep gold first,
    // since some are asymmetric).
    auto covered = [&](const std::vector<ExprPtr>& from, const std::vector<ExprPtr>& to, bool from_gold) -> std::optional<Outcome> {
      for (const auto& a : from) {
        bool found = false;
        for (const auto& b : to) {
          Outcome o = from_gold ? compare(a, b) : compare(b, a);
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
    if (auto o = covered(g, p, true)) return *o;
    if (auto o = covered(p, g, false)) return *o;
    return last;
  }

  // "BC = 6, CA = 8": every element a labelled value.
  bool all_labelled(const Expr& e) const {
    return !e.args.empty() && std::all_of(e.args.begin(), e.args.end(), [&](const ExprPtr& a) {
      return labelled_value(*a, opt_.drop_labels) && !name_like(*a->args[0]);
    });
  }
  static bool any_relation(const Expr& e) {
    return std::any_of(e.args.begin(), e.args.end(), [](const ExprPtr& a) { return a->kind == Kind::Relation; });
  }

  Outcome compare_collections(const Expr& g, const Expr& p) {
    // A tuple is ordered and a set is not: they are different answers (with strict off, as in
    // Math-Verify's non-strict mode, they compare as sets).
    bool tuple_and_set = (g.kind == Kind::Tuple && p.kind == Kind::Set) || (g.kind == Kind::Set && p.kind == Kind::Tuple);
    if (tuple_and_set && !opt_.strict) return compare_unordered(g.args, p.args);
    if (tuple_and_set) return no("structure");
    // Values given for labels "BC = 6, CA = 8" without the labels follow the labels' order.
    bool label_order = (all_labelled(g) && !any_relation(p)) || (all_labelled(p) && !any_relation(g));
    bool ordered = label_order || (g.kind == Kind::Tuple && p.kind != Kind::Set) || (p.kind == Kind::Tuple && g.kind != Kind::Set);
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
    // An Equation answer type wants the equation itself, not its value.
    if (opt_.answer_type == AnswerType::Equation) return no("structure");
    // A predicted chain of working that ends in a value ("A + B = 5 + 7 = 12") is read as
    // that value; a gold chain is not (its left side must be a label).
    bool pred_chain = p.kind == Kind::Relation && rel.chain && !has_symbols(*rhs);
    bool take_rhs = pred_chain || labelled_value(rel, opt_.drop_labels) || (!has_symbols(lhs) && !has_symbols(*rhs));
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
    if (opt_.answer_type == AnswerType::Numerical && has_symbols(p) && !has_symbols(g)) return no("structure");
    bool decimals = contains_decimal(g) || contains_decimal(p);
    bool symbols = has_symbols(g) || has_symbols(p);
    const bool absolute = opt_.tolerance >= 0;
    if (!symbols) {
      auto eg = exact_rational(g, opt_.budget, steps_);
      if (eg) {
        auto ep = exact_rational(p, opt_.budget, steps_);
        if (ep && absolute) {
          if (*eg == *ep) return yes("exact");
          return std::fabs(mpq_class(*eg - *ep).get_d()) <= opt_.tolerance * (1 + 1e-9) ? yes("numeric") : no("numeric");
        }
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
      if (absolute ? std::abs(a - b) > std::max(opt_.tolerance * (1 + 1e-9), 1e-12 * scale) : std::abs(a - b) > tol * scale)
        return no("numeric");
      ++valid;
    }
    if (valid == 0 && lost > 0) return undecided("budget", "values outside the range of double precision");
    if (valid == 0) return undecided("numeric", "undefined at every sample point");
    if (!decimals && !absolute) {
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

AnswerType parse_answer_type(const std::string& name) {
  static const std::pair<const char*, AnswerType> names[] = {
      {"any", AnswerType::Any},           {"numerical", AnswerType::Numerical}, {"expression", AnswerType::Expression},
      {"equation", AnswerType::Equation}, {"interval", AnswerType::Interval},   {"tuple", AnswerType::Tuple}};
  std::string low = name;
  for (char& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [text, type] : names)
    if (low == text) return type;
  throw Error("unknown answer type '" + name + "' (expected Numerical, Expression, Equation, Interval, Tuple or Any)");
}

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
