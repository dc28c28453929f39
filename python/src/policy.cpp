// Policy keyword arguments -> verify::CheckOptions. One row per option, so
// that a new verifier option is one more row; the names are those of the C++
// fields (budget fields without the "budget." prefix).
#include <algorithm>
#include <climits>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bindings.h"
#include "rlvr/util/error.h"
#include "rlvr/verify/extract.h"

namespace rlvr::python {
namespace {

using verify::CheckOptions;

struct PolicyOption {
  const char* name;
  std::function<void(CheckOptions&, py::handle, const std::string&)> set;
};

bool as_bool(py::handle value, const std::string& name) {
  if (!PyBool_Check(value.ptr())) throw py::type_error(fmt::format("policy option '{}' expects True or False", name));
  return value.ptr() == Py_True;
}

long long as_int(py::handle value, const std::string& name, long long low, long long high) {
  if (PyBool_Check(value.ptr()) || !PyLong_Check(value.ptr()))
    throw py::type_error(fmt::format("policy option '{}' expects an int", name));
  int overflow = 0;
  long long v = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
  if (overflow != 0 || v < low || v > high)
    throw py::value_error(fmt::format("policy option '{}' must lie in [{}, {}]", name, low, high));
  return v;
}

std::string as_str(py::handle value, const std::string& name) {
  if (!PyUnicode_Check(value.ptr())) throw py::type_error(fmt::format("policy option '{}' expects a str", name));
  return std::string(utf8_view(value, name.c_str()));
}

verify::ExtractKind as_kind(py::handle value, const std::string& name) {
  try {
    return verify::parse_extract_kind(as_str(value, name));
  } catch (const Error& e) {
    throw py::value_error(fmt::format("policy option '{}': {}", name, e.what()));
  }
}

// A budget limit: a non-negative int of the field's own type.
template <typename T>
PolicyOption budget_row(const char* name, T verify::Budget::*field) {
  return {name, [field](CheckOptions& o, py::handle v, const std::string& n) {
            o.budget.*field = static_cast<T>(as_int(v, n, 0, LLONG_MAX));
          }};
}

const std::vector<PolicyOption>& policy_options() {
  static const std::vector<PolicyOption> rows = {
      {"extract",
       [](CheckOptions& o, py::handle v, const std::string& n) {
         o.extract.clear();
         if (PyUnicode_Check(v.ptr())) {
           o.extract.push_back(as_kind(v, n));
           return;
         }
         if (!PyList_Check(v.ptr()) && !PyTuple_Check(v.ptr()))
           throw py::type_error(fmt::format("policy option '{}' expects \"latex\", \"expr\" or a list of them", n));
         for (py::handle kind : v) o.extract.push_back(as_kind(kind, n));
         if (o.extract.empty()) throw py::value_error(fmt::format("policy option '{}' needs at least one kind", n));
       }},
      {"precision", [](CheckOptions& o, py::handle v, const std::string& n) { o.precision = static_cast<int>(as_int(v, n, 0, 100)); }},
      {"strict", [](CheckOptions& o, py::handle v, const std::string& n) { o.strict = as_bool(v, n); }},
      {"allow_set_relation", [](CheckOptions& o, py::handle v, const std::string& n) { o.allow_set_relation = as_bool(v, n); }},
      {"percent",
       [](CheckOptions& o, py::handle v, const std::string& n) {
         std::string p = as_str(v, n);
         if (p == "strip") o.percent = verify::PercentPolicy::Strip;
         else if (p == "fraction") o.percent = verify::PercentPolicy::Fraction;
         else throw py::value_error(fmt::format("policy option '{}' is \"strip\" or \"fraction\", not '{}'", n, p));
       }},
      budget_row("max_answer_chars", &verify::Budget::max_answer_chars),
      budget_row("max_text_chars", &verify::Budget::max_text_chars),
      budget_row("max_nodes", &verify::Budget::max_nodes),
      budget_row("max_depth", &verify::Budget::max_depth),
      budget_row("max_bits", &verify::Budget::max_bits),
      budget_row("max_factorial", &verify::Budget::max_factorial),
      budget_row("max_elements", &verify::Budget::max_elements),
      budget_row("max_steps", &verify::Budget::max_steps),
      budget_row("max_symbolic_nodes", &verify::Budget::max_symbolic_nodes),
      budget_row("max_symbolic_power", &verify::Budget::max_symbolic_power),
  };
  return rows;
}

}  // namespace

std::string_view utf8_view(py::handle text, const char* what) {
  if (!PyUnicode_Check(text.ptr()))
    throw py::type_error(fmt::format("{} must be str, not {}", what, Py_TYPE(text.ptr())->tp_name));
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(text.ptr(), &size);
  if (!data) throw py::error_already_set();
  return {data, static_cast<size_t>(size)};
}

std::vector<std::string> policy_option_names() {
  std::vector<std::string> names;
  for (const auto& r : policy_options()) names.push_back(r.name);
  return names;
}

verify::CheckOptions check_options(const py::kwargs& policy) {
  CheckOptions options;
  for (auto [key, value] : policy) {
    std::string name = py::str(key);
    const auto& rows = policy_options();
    auto row = std::find_if(rows.begin(), rows.end(), [&](const PolicyOption& r) { return name == r.name; });
    if (row == rows.end()) {
      std::string known;
      for (const auto& r : rows) known += std::string(known.empty() ? "" : ", ") + r.name;
      throw py::type_error(fmt::format("unknown policy option '{}' (known: {})", name, known));
    }
    row->set(options, value, name);
  }
  return options;
}

}  // namespace rlvr::python
