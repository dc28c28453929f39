// rlvr._core: the extension module. Errors the library throws on purpose
// become rlvr.Error (a ValueError); bad input that names a file, line and
// field becomes rlvr.InputError with those three as attributes.
#include <pybind11/pybind11.h>

#include "bindings.h"
#include "rlvr/util/error.h"

namespace py = pybind11;

namespace {

// The two exception types: set once while the module is imported and never
// changed afterwards; deliberately never released, so that nothing touches
// Python objects after the interpreter has shut down.
PyObject* error_type = nullptr;
PyObject* input_error_type = nullptr;

void translate(std::exception_ptr thrown) {
  try {
    if (thrown) std::rethrow_exception(thrown);
  } catch (const rlvr::InputError& e) {
    py::object exc = py::reinterpret_borrow<py::object>(input_error_type)(e.what());
    exc.attr("file") = e.file();
    exc.attr("line") = e.line();
    exc.attr("field") = e.field();
    PyErr_SetObject(input_error_type, exc.ptr());
  } catch (const rlvr::Error& e) {
    PyErr_SetString(error_type, e.what());
  }
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "rlvr's C++ core: answer verifier, pass@k, the analysis and the code sandbox (no libtorch)";
  m.attr("__version__") = RLVR_VERSION;

  auto* error = new py::exception<rlvr::Error>(m, "Error", PyExc_ValueError);
  auto* input_error = new py::exception<rlvr::InputError>(m, "InputError", error->ptr());
  error->doc() = "An error the rlvr library reports on purpose (a request it cannot meet, unreadable data).";
  input_error->doc() = "Bad input data; .file, .line (1-based, 0 when it does not apply) and .field say where.";
  error_type = error->ptr();
  input_error_type = input_error->ptr();
  py::register_exception_translator(&translate);

  rlvr::python::bind_math(m);
  rlvr::python::bind_analysis(m);
  rlvr::python::bind_code(m);
}
