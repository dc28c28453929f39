// The one expression tree that LaTeX and plain answers parse into. Nodes are
// immutable and shared; subtraction is stored as addition of (-1)*x and
// division as multiplication by x^(-1), so equal values have fewer shapes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gmpxx.h>

namespace rlvr::verify {

enum class Kind {
  Number,     // exact rational `number`; `decimal` when written with a decimal point
  Symbol,     // a variable: `name`
  Constant,   // `name` is "pi", "e", "i", "inf"
  Add,        // sum of args
  Mul,        // product of args
  Pow,        // args[0] ^ args[1]
  Func,       // `name`(args...): sin, log, abs, floor, binom, ... or an unknown f(x)
  Factorial,  // args[0]!
  PlusMinus,  // args[0] ± args[1]: stands for the set of both values
  Tuple,      // ordered: (a, b, ...)
  List,       // a, b, ... written without brackets: unordered against sets and lists
  Set,        // \{a, b\}: unordered, duplicates ignored
  Interval,   // args[0], args[1] with left_closed / right_closed
  Union,      // union of sets and intervals
  Matrix,     // rows x cols, args row by row
  Relation,   // chain args[0] ops[0] args[1] ops[1] args[2] ...
  Text,       // a normalised plain-text answer in `name`
};

enum class RelOp { Eq, Ne, Lt, Le, Gt, Ge, In, Approx };

struct Expr;
using ExprPtr = std::shared_ptr<const Expr>;

struct Expr {
  Kind kind = Kind::Number;
  mpq_class number;
  bool decimal = false;
  std::string name;
  std::vector<ExprPtr> args;
  std::vector<RelOp> ops;
  bool left_closed = false;
  bool right_closed = false;
  size_t rows = 0;
  size_t cols = 0;
  bool from_inequality = false;  // an interval written as a <= x <= b
  bool chain = false;            // an equation collapsed from a chain "a + b = 2 + 3 = 5"
  bool set_builder = false;      // the condition of \{x \mid condition\}: stands for a set
};

ExprPtr make_number(const mpq_class& value, bool decimal = false);
ExprPtr make_symbol(const std::string& name);
ExprPtr make_constant(const std::string& name);
ExprPtr make_text(const std::string& text);
ExprPtr make_node(Kind kind, std::vector<ExprPtr> args, std::string name = {});
ExprPtr make_neg(ExprPtr x);
ExprPtr make_interval(ExprPtr lo, ExprPtr hi, bool left_closed, bool right_closed);
ExprPtr make_matrix(std::vector<ExprPtr> cells, size_t rows, size_t cols);
ExprPtr make_relation(std::vector<ExprPtr> terms, std::vector<RelOp> ops);

// True for nodes whose value is one number (possibly with variables), as
// opposed to collections, relations and text.
bool is_scalar(const Expr& e);
bool is_collection(const Kind kind);  // Tuple, List, Set
bool contains_decimal(const Expr& e);
bool has_symbols(const Expr& e);
void collect_symbols(const Expr& e, std::vector<std::string>& out);  // sorted, unique
size_t node_count(const Expr& e);

// A readable normal form for audit output: a/b, sqrt, sets sorted as written.
std::string to_string(const Expr& e);
const char* relop_name(RelOp op);

}  // namespace rlvr::verify
