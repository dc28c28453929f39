// The pieces of the extension module rlvr._core, one per area, and the few
// helpers they share. The Python package (python/rlvr/) wraps them in the
// public API; this layer only converts arguments and releases the GIL.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <pybind11/pybind11.h>

#include "rlvr/verify/equivalence.h"

namespace rlvr::python {

namespace py = pybind11;

void bind_math(py::module_& m);
void bind_analysis(py::module_& m);
void bind_code(py::module_& m);

// The UTF-8 bytes of a Python str, without copying: the view lives as long
// as the str object does. Anything but a str is a TypeError naming `what`;
// a str that cannot be encoded (lone surrogates) raises UnicodeEncodeError.
std::string_view utf8_view(py::handle text, const char* what);

// CheckOptions from the keyword arguments of a call (policy options by name).
// Unknown names and values of the wrong type raise TypeError; values out of
// range raise ValueError.
verify::CheckOptions check_options(const py::kwargs& policy);
std::vector<std::string> policy_option_names();

}  // namespace rlvr::python
