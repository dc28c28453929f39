// rlvr._core's code functions: programs run in the project's sandbox (the
// sandbox room) and programs built from completions by the code room, the
// same machinery as `rlvr verify --dataset humaneval|mbpp`. The GIL is off
// while programs run.
//
// A single run reuses one fork server per Python thread (started on the first
// run, replaced when the limits change, stopped when the thread ends): starting
// a jailed interpreter costs tens of milliseconds, a run from a warm server a
// few. A forked child never uses its parent's server (it would share the
// parent's pipes); it starts its own.
#include <unistd.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <pybind11/stl.h>

#include "bindings.h"
#include "rlvr/code/judge.h"
#include "rlvr/code/problems.h"
#include "rlvr/sandbox/sandbox.h"

namespace rlvr::python {
namespace {

struct RunResult {
  sandbox::Result result;
  std::string isolation;
};

sandbox::Options sandbox_options(double timeout, std::optional<double> cpu_timeout, double memory_mb,
                                 bool fresh_interpreter, bool unsafe_no_sandbox, const std::string& python) {
  if (!(timeout > 0) || timeout > 86400) throw py::value_error("timeout must be > 0 and at most 86400 seconds");
  double cpu = cpu_timeout.value_or(timeout);
  if (!(cpu > 0) || cpu > 86400) throw py::value_error("cpu_timeout must be > 0 and at most 86400 seconds");
  if (!(memory_mb >= 16) || memory_mb > 1024.0 * 1024.0)
    throw py::value_error("memory_mb must be between 16 and 1048576");
  if (python.empty() || python.front() != '/') throw py::value_error("python must be an absolute path");
  sandbox::Options o;
  o.limits.wall_seconds = timeout;
  o.limits.cpu_seconds = cpu;
  o.limits.memory_bytes = static_cast<uint64_t>(memory_mb * 1024.0 * 1024.0);
  o.mode = fresh_interpreter ? sandbox::Mode::FreshInterpreter : sandbox::Mode::ForkServer;
  o.unsafe_no_sandbox = unsafe_no_sandbox;
  o.python = python;
  return o;
}

bool same_options(const sandbox::Options& a, const sandbox::Options& b) {
  const sandbox::Limits &x = a.limits, &y = b.limits;
  return x.wall_seconds == y.wall_seconds && x.cpu_seconds == y.cpu_seconds && x.memory_bytes == y.memory_bytes &&
         x.file_bytes == y.file_bytes && x.work_dir_bytes == y.work_dir_bytes && x.open_files == y.open_files &&
         x.processes == y.processes && x.output_bytes == y.output_bytes && x.tail_bytes == y.tail_bytes &&
         a.mode == b.mode && a.python == b.python && a.unsafe_no_sandbox == b.unsafe_no_sandbox;
}

// This thread's runner, made for `options` in this process.
sandbox::Runner& thread_runner(const sandbox::Options& options) {
  struct Cached {
    pid_t pid = 0;
    sandbox::Options options;
    std::unique_ptr<sandbox::Runner> runner;
  };
  thread_local Cached cached;
  if (cached.runner && cached.pid != getpid()) {
    // Inherited through fork: the server is the parent's child and its pipes
    // are shared with the parent. Letting go of it without the destructor
    // (which would kill the parent's server) leaks only three descriptors.
    (void)cached.runner.release();
  }
  if (!cached.runner || !same_options(cached.options, options)) {
    cached.runner.reset();
    cached.runner = std::make_unique<sandbox::Runner>(options);
    cached.options = options;
    cached.pid = getpid();
  }
  return *cached.runner;
}

// The sources of a list or tuple of str, copied (a program is small next to
// its run, and the copies outlive any change another thread makes to the list).
std::vector<std::string> sources_of(py::handle arg, const char* what) {
  if (PyUnicode_Check(arg.ptr())) throw py::type_error(fmt::format("{} must be a list of str, not one str", what));
  if (!PyList_Check(arg.ptr()) && !PyTuple_Check(arg.ptr()))
    throw py::type_error(fmt::format("{} must be a list or tuple of str, not {}", what, Py_TYPE(arg.ptr())->tp_name));
  py::sequence seq = py::reinterpret_borrow<py::sequence>(arg);
  std::vector<std::string> out;
  out.reserve(seq.size());
  for (size_t i = 0; i < seq.size(); ++i) {
    py::object item = seq[i];
    std::string label = fmt::format("{}[{}]", what, i);
    out.emplace_back(utf8_view(item, label.c_str()));
  }
  return out;
}

std::string status_name(sandbox::Status s) {
  switch (s) {
    case sandbox::Status::Passed: return "passed";
    case sandbox::Status::Failed: return "failed";
    case sandbox::Status::Timeout: return "timeout";
    case sandbox::Status::Memory: return "memory";
    case sandbox::Status::OutputLimit: return "output_limit";
    case sandbox::Status::Killed: return "killed";
    case sandbox::Status::SandboxError: return "sandbox_error";
  }
  return "sandbox_error";
}

py::str lossy_str(const std::string& bytes) {
  // Program output is arbitrary bytes (and a tail may cut a character in two).
  return py::reinterpret_steal<py::str>(
      PyUnicode_DecodeUTF8(bytes.data(), static_cast<Py_ssize_t>(bytes.size()), "replace"));
}

code::CodeProblem problem_of(const std::string& benchmark, const std::string& prompt, const std::string& entry_point,
                             const std::string& test, const std::vector<std::string>& test_imports,
                             const std::vector<std::string>& test_list, const std::string& test_setup) {
  code::CodeProblem p;
  if (benchmark == "humaneval") {
    if (entry_point.empty()) throw py::value_error("a HumanEval-style test needs its entry_point");
    p.benchmark = code::Benchmark::HumanEval;
  } else if (benchmark == "mbpp") {
    p.benchmark = code::Benchmark::Mbpp;
  } else {
    throw py::value_error("benchmark must be 'humaneval' or 'mbpp'");
  }
  p.prompt = prompt;
  p.entry_point = entry_point;
  p.test = test;
  p.test_imports = test_imports;
  p.test_list = test_list;
  p.test_setup = test_setup;
  return p;
}

}  // namespace

void bind_code(py::module_& m) {
  py::class_<RunResult>(m, "RunResult", "What happened when one program ran in the sandbox.")
      .def_property_readonly("passed", [](const RunResult& r) { return r.result.status == sandbox::Status::Passed; },
                             "True when the program (solution and tests) ran to its end.")
      .def_property_readonly("status", [](const RunResult& r) { return status_name(r.result.status); },
                             "passed, failed, timeout, memory, output_limit, killed or sandbox_error.")
      .def_property_readonly("label", [](const RunResult& r) { return sandbox::status_text(r.result); },
                             "The status as `rlvr verify` writes it: passed, failed:AssertionError, timeout, ...")
      .def_property_readonly("exception", [](const RunResult& r) { return r.result.exception; },
                             "Class name of the exception it raised; 'Exit' when it left early; else empty.")
      .def_property_readonly("exit_code", [](const RunResult& r) { return r.result.exit_code; },
                             "Exit status of the interpreter (-1 when it did not exit).")
      .def_property_readonly("signal", [](const RunResult& r) { return r.result.signal; },
                             "Signal that ended the interpreter (0 when none).")
      .def_property_readonly("seconds", [](const RunResult& r) { return r.result.seconds; },
                             "Wall-clock time of the run.")
      .def_property_readonly("stdout", [](const RunResult& r) { return lossy_str(r.result.stdout_tail); },
                             "The end of what it wrote to stdout (the last 2 KiB).")
      .def_property_readonly("stderr", [](const RunResult& r) { return lossy_str(r.result.stderr_tail); },
                             "The end of what it wrote to stderr (the last 2 KiB): the traceback when it failed.")
      .def_property_readonly("error", [](const RunResult& r) { return r.result.error; },
                             "Why the sandbox could not run it (status sandbox_error); else empty.")
      .def_property_readonly("sandbox", [](const RunResult& r) { return r.isolation; },
                             "'namespaces+seccomp', or 'none' when run with unsafe_no_sandbox.")
      .def("__bool__", [](const RunResult& r) { return r.result.status == sandbox::Status::Passed; })
      .def("__repr__", [](const RunResult& r) {
        return fmt::format("RunResult(label='{}', seconds={:.3f})", sandbox::status_text(r.result), r.result.seconds);
      });

  m.def(
      "run_program",
      [](py::handle source, double timeout, std::optional<double> cpu_timeout, double memory_mb,
         bool fresh_interpreter, bool unsafe_no_sandbox, const std::string& python) {
        sandbox::Options options =
            sandbox_options(timeout, cpu_timeout, memory_mb, fresh_interpreter, unsafe_no_sandbox, python);
        std::string program(utf8_view(source, "program"));
        py::gil_scoped_release release;
        RunResult out{thread_runner(options).run(program), sandbox::isolation_name(options)};
        return out;
      },
      py::arg("program"), py::kw_only(), py::arg("timeout") = 10.0, py::arg("cpu_timeout") = py::none(),
      py::arg("memory_mb") = 1024.0, py::arg("fresh_interpreter") = false, py::arg("unsafe_no_sandbox") = false,
      py::arg("python") = "/usr/bin/python3");

  m.def(
      "run_programs",
      [](py::handle sources, int threads, double timeout, std::optional<double> cpu_timeout, double memory_mb,
         bool fresh_interpreter, bool unsafe_no_sandbox, const std::string& python) {
        if (threads < 0) throw py::value_error("threads must be >= 0 (0: one per core)");
        code::JudgeOptions options;
        options.sandbox = sandbox_options(timeout, cpu_timeout, memory_mb, fresh_interpreter, unsafe_no_sandbox, python);
        options.workers = threads;
        std::vector<std::string> programs = sources_of(sources, "programs");
        std::vector<sandbox::Result> results;
        {
          py::gil_scoped_release release;
          results = code::run_programs(programs, options);
        }
        std::vector<RunResult> out;
        out.reserve(results.size());
        const std::string isolation = sandbox::isolation_name(options.sandbox);
        for (auto& r : results) out.push_back({std::move(r), isolation});
        return out;
      },
      py::arg("programs"), py::kw_only(), py::arg("threads") = 0, py::arg("timeout") = 10.0,
      py::arg("cpu_timeout") = py::none(), py::arg("memory_mb") = 1024.0, py::arg("fresh_interpreter") = false,
      py::arg("unsafe_no_sandbox") = false, py::arg("python") = "/usr/bin/python3");

  m.def(
      "extract_code", [](py::handle text) { return code::extract_code(std::string(utf8_view(text, "text"))); },
      py::arg("text"));

  m.def(
      "build_program",
      [](const std::string& benchmark, py::handle completion, const std::string& prompt,
         const std::string& entry_point, const std::string& test, const std::vector<std::string>& test_imports,
         const std::vector<std::string>& test_list, const std::string& test_setup) {
        code::CodeProblem p = problem_of(benchmark, prompt, entry_point, test, test_imports, test_list, test_setup);
        return code::build_program(p, std::string(utf8_view(completion, "completion")));
      },
      py::arg("benchmark"), py::arg("completion"), py::kw_only(), py::arg("prompt") = "",
      py::arg("entry_point") = "", py::arg("test") = "", py::arg("test_imports") = std::vector<std::string>{},
      py::arg("test_list") = std::vector<std::string>{}, py::arg("test_setup") = "");

  m.def(
      "load_code_problems",
      [](const std::string& file, const std::string& format) {
        std::vector<py::dict> out;
        for (const auto& p : code::load_code_problems_file(file, format)) {
          py::dict row;
          row["id"] = p.id;
          row["benchmark"] = p.benchmark == code::Benchmark::HumanEval ? "humaneval" : "mbpp";
          row["prompt"] = p.prompt;
          row["reference"] = p.reference;
          row["entry_point"] = p.entry_point;
          row["test"] = p.test;
          row["test_imports"] = p.test_imports;
          row["test_list"] = p.test_list;
          row["test_setup"] = p.test_setup;
          out.push_back(std::move(row));
        }
        return out;
      },
      py::arg("file"), py::arg("format"));
}

}  // namespace rlvr::python
