// rlvr._core's verifier functions. Single checks read the Python strings in
// place and release the GIL while checking; the list forms take references to
// all strings first (so that another thread changing the list cannot free
// them), then check on all cores without the GIL. Results are written by
// index, so they never depend on the thread count.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "rlvr/util/parallel.h"
#include "rlvr/verify/extract.h"

namespace rlvr::python {
namespace {

using Clock = std::chrono::steady_clock;

struct TimedVerdict {
  verify::Verdict verdict;
  double seconds = 0.0;
};

TimedVerdict timed_check(std::string_view gold, std::string_view answer, const verify::CheckOptions& options) {
  auto start = Clock::now();
  TimedVerdict out{verify::check(gold, answer, options), 0.0};
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return out;
}

// Texts of a sequence argument (list or tuple of str), or one str repeated
// `count` times; the references keep the strings alive while the GIL is off.
struct Texts {
  std::vector<py::object> keep;
  std::vector<std::string_view> views;
};

Texts texts_of(py::handle arg, const char* what, std::optional<size_t> count) {
  Texts t;
  if (PyUnicode_Check(arg.ptr())) {
    if (!count) throw py::type_error(fmt::format("{} must be a list of str, not one str", what));
    t.keep.push_back(py::reinterpret_borrow<py::object>(arg));
    t.views.assign(*count, utf8_view(arg, what));
    return t;
  }
  if (!PyList_Check(arg.ptr()) && !PyTuple_Check(arg.ptr()))
    throw py::type_error(fmt::format("{} must be a list or tuple of str, not {}", what, Py_TYPE(arg.ptr())->tp_name));
  py::sequence seq = py::reinterpret_borrow<py::sequence>(arg);
  size_t n = seq.size();
  t.keep.reserve(n);
  t.views.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    py::object item = seq[i];
    std::string label = fmt::format("{}[{}]", what, i);
    t.views.push_back(utf8_view(item, label.c_str()));
    t.keep.push_back(std::move(item));
  }
  return t;
}

std::vector<TimedVerdict> check_many(py::handle golds, py::handle answers, int threads, const py::kwargs& policy) {
  verify::CheckOptions options = check_options(policy);
  if (threads < 0) throw py::value_error("threads must be >= 0 (0: all cores)");
  Texts a = texts_of(answers, "answers", std::nullopt);
  Texts g = texts_of(golds, "golds", a.views.size());
  if (g.views.size() != a.views.size())
    throw py::value_error(fmt::format("golds has {} items, answers {}", g.views.size(), a.views.size()));
  std::vector<TimedVerdict> out(a.views.size());
  {
    py::gil_scoped_release release;
    rlvr::parallel_for(static_cast<int64_t>(out.size()), threads,
                       [&](int64_t i) { out[i] = timed_check(g.views[i], a.views[i], options); });
  }
  return out;
}

}  // namespace

void bind_math(py::module_& m) {
  py::class_<TimedVerdict>(m, "Verdict", "The verifier's judgement of one (gold, answer) pair.")
      .def_property_readonly("equivalent", [](const TimedVerdict& v) { return v.verdict.equivalent; },
                             "True when the answer is equivalent to the gold.")
      .def_property_readonly("decided", [](const TimedVerdict& v) { return v.verdict.decided; },
                             "False when no verdict could be reached: no answer in the gold, parse_error or budget.")
      .def_property_readonly("reason", [](const TimedVerdict& v) { return v.verdict.reason; },
                             "exact, numeric, symbolic, string, text, structure, no_answer, parse_error or budget.")
      .def_property_readonly("detail", [](const TimedVerdict& v) { return v.verdict.detail; },
                             "Parse error message, budget limit hit, ... (may be empty).")
      .def_property_readonly("gold_answer", [](const TimedVerdict& v) { return v.verdict.gold_answer; },
                             "The answer extracted from the gold text.")
      .def_property_readonly("pred_answer", [](const TimedVerdict& v) { return v.verdict.pred_answer; },
                             "The answer extracted from the answer text.")
      .def_property_readonly("gold_norm", [](const TimedVerdict& v) { return v.verdict.gold_norm; },
                             "Normal form of the parsed gold answer.")
      .def_property_readonly("pred_norm", [](const TimedVerdict& v) { return v.verdict.pred_norm; },
                             "Normal form of the parsed answer.")
      .def_property_readonly("seconds", [](const TimedVerdict& v) { return v.seconds; },
                             "Wall time of the check in seconds.")
      .def("__bool__", [](const TimedVerdict& v) { return v.verdict.equivalent; })
      .def("__repr__", [](const TimedVerdict& v) {
        return fmt::format("Verdict(equivalent={}, reason='{}', gold_answer={}, pred_answer={})",
                           v.verdict.equivalent ? "True" : "False", v.verdict.reason,
                           py::repr(py::str(v.verdict.gold_answer)).cast<std::string>(),
                           py::repr(py::str(v.verdict.pred_answer)).cast<std::string>());
      });

  m.def(
      "check",
      [](py::handle gold, py::handle answer, const py::kwargs& policy) {
        verify::CheckOptions options = check_options(policy);
        std::string_view g = utf8_view(gold, "gold"), a = utf8_view(answer, "answer");
        py::gil_scoped_release release;
        return timed_check(g, a, options);
      },
      py::arg("gold"), py::arg("answer"));
  m.def(
      "verify",
      [](py::handle gold, py::handle answer, const py::kwargs& policy) {
        verify::CheckOptions options = check_options(policy);
        std::string_view g = utf8_view(gold, "gold"), a = utf8_view(answer, "answer");
        py::gil_scoped_release release;
        return verify::check(g, a, options).equivalent;
      },
      py::arg("gold"), py::arg("answer"));
  m.def("check_many", &check_many, py::arg("golds"), py::arg("answers"), py::arg("threads") = 0);
  m.def(
      "verify_many",
      [](py::handle golds, py::handle answers, int threads, const py::kwargs& policy) {
        std::vector<TimedVerdict> verdicts = check_many(golds, answers, threads, policy);
        std::vector<bool> out(verdicts.size());
        for (size_t i = 0; i < verdicts.size(); ++i) out[i] = verdicts[i].verdict.equivalent;
        return out;
      },
      py::arg("golds"), py::arg("answers"), py::arg("threads") = 0);
  m.def(
      "extract",
      [](py::handle text, const py::kwargs& policy) -> std::optional<std::pair<std::string, std::string>> {
        verify::CheckOptions options = check_options(policy);
        std::string_view t = utf8_view(text, "text");
        py::gil_scoped_release release;
        auto found = verify::extract_answer(t, options.extract);
        if (!found) return std::nullopt;
        return std::make_pair(found->answer, found->rule);
      },
      py::arg("text"));
  m.def("policy_options", &policy_option_names);
}

}  // namespace rlvr::python
