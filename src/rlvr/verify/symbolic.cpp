#include "rlvr/verify/symbolic.h"

#include <map>
#include <mutex>
#include <string>

#include <ginac/ginac.h>

#include "rlvr/verify/exact.h"

namespace rlvr::verify {

namespace {

std::mutex& ginac_mutex() {
  static std::mutex m;
  return m;
}

struct OutOfBounds {};

class Converter {
 public:
  explicit Converter(const Budget& budget) : budget_(budget) {}

  GiNaC::ex convert(const Expr& e) {
    if (++nodes_ > budget_.max_symbolic_nodes) throw OutOfBounds{};
    switch (e.kind) {
      case Kind::Number: return GiNaC::numeric(e.number.get_str().c_str());
      case Kind::Symbol: return symbol(e.name);
      case Kind::Constant:
        if (e.name == "pi") return GiNaC::Pi;
        if (e.name == "e") return GiNaC::exp(GiNaC::ex(1));
        if (e.name == "i") return GiNaC::I;
        throw OutOfBounds{};
      case Kind::Add: {
        GiNaC::ex sum = 0;
        for (const auto& a : e.args) sum += convert(*a);
        return sum;
      }
      case Kind::Mul: {
        GiNaC::ex product = 1;
        for (const auto& a : e.args) product *= convert(*a);
        return product;
      }
      case Kind::Pow: {
        const Expr& x = *e.args[1];
        if (x.kind != Kind::Number) throw OutOfBounds{};  // symbolic exponents: numeric check decides
        if (!mpz_fits_slong_p(x.number.get_num_mpz_t()) || !mpz_fits_slong_p(x.number.get_den_mpz_t()) ||
            std::labs(x.number.get_num().get_si()) > budget_.max_symbolic_power ||
            x.number.get_den().get_si() > budget_.max_symbolic_power)
          throw OutOfBounds{};
        // A zero base with a non-positive exponent makes GiNaC throw from inside
        // its allocator, which leaks; such expressions never reach it.
        if (x.number <= 0 && near_zero(*e.args[0])) throw OutOfBounds{};
        return GiNaC::pow(convert(*e.args[0]), convert(x));
      }
      case Kind::Func: {
        if (e.args.size() != 1) throw OutOfBounds{};
        GiNaC::ex x = convert(*e.args[0]);
        const std::string& f = e.name;
        if (f == "sin") return GiNaC::sin(x);
        if (f == "cos") return GiNaC::cos(x);
        if (f == "tan") return GiNaC::tan(x);
        if (f == "sec" || f == "csc" || f == "cot" || f == "tan") {
          // Reciprocals of trigonometric values: the denominator must not vanish.
          auto cos_arg = make_node(Kind::Func, {e.args[0]}, "cos");
          auto sin_arg = make_node(Kind::Func, {e.args[0]}, "sin");
          if (near_zero(f == "sec" || f == "tan" ? *cos_arg : *sin_arg)) throw OutOfBounds{};
        }
        if (f == "sec") return 1 / GiNaC::cos(x);
        if (f == "csc") return 1 / GiNaC::sin(x);
        if (f == "cot") return GiNaC::cos(x) / GiNaC::sin(x);
        if (f == "arcsin") return GiNaC::asin(x);
        if (f == "arccos") return GiNaC::acos(x);
        if (f == "arctan") return GiNaC::atan(x);
        if (f == "ln" || f == "log") {
          if (near_zero(*e.args[0])) throw OutOfBounds{};  // log(0) throws inside GiNaC
          return GiNaC::log(x);
        }
        if (f == "abs") return GiNaC::abs(x);
        throw OutOfBounds{};
      }
      default: throw OutOfBounds{};
    }
  }

 private:
  // Whether the expression is (numerically) zero at a fixed point: symbolic
  // zeros such as (x+1)^2 - x^2 - 2x - 1 are zero at every point.
  bool near_zero(const Expr& e) {
    std::vector<std::string> names;
    collect_symbols(e, names);
    Point at;
    for (size_t i = 0; i < names.size(); ++i) at[names[i]] = 0.7316 + 0.2718 * static_cast<double>(i);
    StepCounter steps(budget_.max_steps);
    std::complex<double> v = numeric_value(e, at, steps);
    return !(std::abs(v) > 1e-9);  // also true for NaN: undefined here
  }

  GiNaC::ex symbol(const std::string& name) {
    auto it = symbols_.find(name);
    if (it != symbols_.end()) return it->second;
    return symbols_.emplace(name, GiNaC::symbol(name)).first->second;
  }

  const Budget& budget_;
  size_t nodes_ = 0;
  std::map<std::string, GiNaC::symbol> symbols_;
};

}  // namespace

std::optional<bool> symbolic_equal(const Expr& a, const Expr& b, const Budget& budget) {
  if (node_count(a) + node_count(b) > budget.max_symbolic_nodes) return std::nullopt;
  std::lock_guard<std::mutex> lock(ginac_mutex());
  try {
    Converter converter(budget);
    GiNaC::ex difference = converter.convert(a) - converter.convert(b);
    GiNaC::ex simplified = GiNaC::normal(GiNaC::expand(difference));
    if (simplified.is_zero()) return true;
    if (GiNaC::is_a<GiNaC::numeric>(simplified)) return false;
    return std::nullopt;
  } catch (const OutOfBounds&) {
    return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;  // division by zero and similar: undecided here
  }
}

}  // namespace rlvr::verify
