#include "rlvr/verify/expr.h"

#include <algorithm>

namespace rlvr::verify {

ExprPtr make_number(const mpq_class& value, bool decimal) {
  auto e = std::make_shared<Expr>();
  e->kind = Kind::Number;
  e->number = value;
  e->number.canonicalize();
  e->decimal = decimal;
  return e;
}

ExprPtr make_symbol(const std::string& name) {
  auto e = std::make_shared<Expr>();
  e->kind = Kind::Symbol;
  e->name = name;
  return e;
}

ExprPtr make_constant(const std::string& name) {
  auto e = std::make_shared<Expr>();
  e->kind = Kind::Constant;
  e->name = name;
  return e;
}

ExprPtr make_text(const std::string& text) {
  auto e = std::make_shared<Expr>();
  e->kind = Kind::Text;
  e->name = text;
  return e;
}

ExprPtr make_node(Kind kind, std::vector<ExprPtr> args, std::string name) {
  if ((kind == Kind::Add || kind == Kind::Mul) && args.size() == 1) return args[0];
  auto e = std::make_shared<Expr>();
  e->kind = kind;
  e->args = std::move(args);
  e->name = std::move(name);
  return e;
}

ExprPtr make_neg(ExprPtr x) {
  if (x->kind == Kind::Number) return make_number(-x->number, x->decimal);
  return make_node(Kind::Mul, {make_number(-1), std::move(x)});
}

ExprPtr make_interval(ExprPtr lo, ExprPtr hi, bool left_closed, bool right_closed) {
  auto e = std::make_shared<Expr>();
  e->kind = Kind::Interval;
  e->args = {std::move(lo), std::move(hi)};
  e->left_closed = left_closed;
  e->right_closed = right_closed;
  return e;
}

ExprPtr make_matrix(std::vector<ExprPtr> cells, size_t rows, size_t cols) {
  auto e = std::make_shared<Expr>();
  e->kind = Kind::Matrix;
  e->args = std::move(cells);
  e->rows = rows;
  e->cols = cols;
  return e;
}

ExprPtr make_relation(std::vector<ExprPtr> terms, std::vector<RelOp> ops) {
  auto e = std::make_shared<Expr>();
  e->kind = Kind::Relation;
  e->args = std::move(terms);
  e->ops = std::move(ops);
  return e;
}

bool is_collection(const Kind kind) {
  return kind == Kind::Tuple || kind == Kind::List || kind == Kind::Set;
}

bool is_scalar(const Expr& e) {
  switch (e.kind) {
    case Kind::Tuple:
    case Kind::List:
    case Kind::Set:
    case Kind::Interval:
    case Kind::Union:
    case Kind::Matrix:
    case Kind::Relation:
    case Kind::Text:
    case Kind::PlusMinus:
      return false;
    default:
      for (const auto& a : e.args)
        if (!is_scalar(*a)) return false;
      return true;
  }
}

bool contains_decimal(const Expr& e) {
  if (e.kind == Kind::Number) return e.decimal;
  return std::any_of(e.args.begin(), e.args.end(), [](const ExprPtr& a) { return contains_decimal(*a); });
}

bool has_symbols(const Expr& e) {
  if (e.kind == Kind::Symbol) return true;
  return std::any_of(e.args.begin(), e.args.end(), [](const ExprPtr& a) { return has_symbols(*a); });
}

namespace {
void collect(const Expr& e, std::vector<std::string>& out) {
  if (e.kind == Kind::Symbol) out.push_back(e.name);
  for (const auto& a : e.args) collect(*a, out);
}
}  // namespace

void collect_symbols(const Expr& e, std::vector<std::string>& out) {
  collect(e, out);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

size_t node_count(const Expr& e) {
  size_t n = 1;
  for (const auto& a : e.args) n += node_count(*a);
  return n;
}

const char* relop_name(RelOp op) {
  switch (op) {
    case RelOp::Eq: return "=";
    case RelOp::Ne: return "!=";
    case RelOp::Lt: return "<";
    case RelOp::Le: return "<=";
    case RelOp::Gt: return ">";
    case RelOp::Ge: return ">=";
    case RelOp::In: return " in ";
    case RelOp::Approx: return "~";
  }
  return "?";
}

namespace {
std::string join(const std::vector<ExprPtr>& args, const char* sep) {
  std::string s;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) s += sep;
    s += to_string(*args[i]);
  }
  return s;
}

// Precedence of the printed form: sums 1, products and quotients 2, powers 3, atoms 4.
int precedence(const Expr& e) {
  switch (e.kind) {
    case Kind::Add:
    case Kind::PlusMinus: return 1;
    case Kind::Mul: return 2;
    case Kind::Number: return e.number < 0 || e.number.get_den() != 1 ? 2 : 4;
    case Kind::Pow: return 3;
    default: return 4;
  }
}

std::string wrap(const Expr& e, int min_precedence) {
  std::string s = to_string(e);
  return precedence(e) < min_precedence ? "(" + s + ")" : s;
}

void flatten_product(const Expr& e, std::vector<ExprPtr>& out) {
  for (const auto& a : e.args) {
    if (a->kind == Kind::Mul) flatten_product(*a, out);
    else out.push_back(a);
  }
}

std::string product(const Expr& e) {
  std::vector<std::string> num, den;
  bool negative = false;
  std::vector<ExprPtr> factors;
  flatten_product(e, factors);
  for (const auto& a : factors) {
    if (a->kind == Kind::Number && a->number == -1) {
      negative = !negative;
      continue;
    }
    if (a->kind == Kind::Pow && a->args[1]->kind == Kind::Number && a->args[1]->number < 0) {
      mpq_class k = -a->args[1]->number;
      den.push_back(k == 1 ? wrap(*a->args[0], 3) : wrap(*a->args[0], 4) + "^" + wrap(*make_number(k), 4));
      continue;
    }
    num.push_back(wrap(*a, 3));
  }
  auto join_factors = [](const std::vector<std::string>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? "*" : "") + v[i];
    return s;
  };
  std::string s = num.empty() ? "1" : join_factors(num);
  // Built by appending: GCC 12 warns falsely (-Wrestrict) on "literal" + string.
  if (!den.empty()) {
    s += '/';
    if (den.size() == 1) {
      s += den[0];
    } else {
      s += '(';
      s += join_factors(den);
      s += ')';
    }
  }
  if (!negative) return s;
  std::string signed_text(1, '-');
  signed_text += s;
  return signed_text;
}
}  // namespace

namespace {
std::string enclose(char open, const std::string& inner, char close) {
  std::string s(1, open);
  s += inner;
  s += close;
  return s;
}
}  // namespace

std::string to_string(const Expr& e) {
  switch (e.kind) {
    case Kind::Number: return e.number.get_str();
    case Kind::Symbol: return e.name;
    case Kind::Constant: return e.name == "inf" ? "oo" : e.name;
    case Kind::Text: return enclose('"', e.name, '"');
    case Kind::Add: {
      std::string s = wrap(*e.args[0], 1);
      for (size_t i = 1; i < e.args.size(); ++i) {
        std::string t = wrap(*e.args[i], 1);
        if (!t.empty() && t[0] == '-') s += " - " + t.substr(1);
        else s += " + " + t;
      }
      return s;
    }
    case Kind::Mul: return product(e);
    case Kind::Pow: {
      const Expr& exp = *e.args[1];
      if (exp.kind == Kind::Number && exp.number == mpq_class(1, 2)) return "sqrt" + enclose('(', to_string(*e.args[0]), ')');
      return wrap(*e.args[0], 4) + "^" + wrap(exp, 4);
    }
    case Kind::Func: return e.name + "(" + join(e.args, ", ") + ")";
    case Kind::Factorial: return wrap(*e.args[0], 4) + "!";
    case Kind::PlusMinus: return to_string(*e.args[0]) + " +- " + to_string(*e.args[1]);
    case Kind::Tuple: return enclose('(', join(e.args, ", "), ')');
    case Kind::List: return join(e.args, ", ");
    case Kind::Set: return enclose('{', join(e.args, ", "), '}');
    case Kind::Interval:
      return std::string(e.left_closed ? "[" : "(") + to_string(*e.args[0]) + ", " + to_string(*e.args[1]) +
             (e.right_closed ? "]" : ")");
    case Kind::Union: return join(e.args, " U ");
    case Kind::Matrix: {
      std::string s = "[";
      for (size_t r = 0; r < e.rows; ++r) {
        if (r) s += "; ";
        for (size_t c = 0; c < e.cols; ++c) {
          if (c) s += ", ";
          s += to_string(*e.args[r * e.cols + c]);
        }
      }
      return s + "]";
    }
    case Kind::Relation: {
      std::string s = to_string(*e.args[0]);
      for (size_t i = 0; i < e.ops.size(); ++i) s += std::string(" ") + relop_name(e.ops[i]) + " " + to_string(*e.args[i + 1]);
      return s;
    }
  }
  return "?";
}

}  // namespace rlvr::verify
