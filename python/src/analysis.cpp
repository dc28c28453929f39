// rlvr._core's analysis functions: pass@k over numpy arrays and the analyze
// pipeline of `rlvr analyze` (metrics::analyze_models, render_analysis_files)
// on files or on counts built in Python. The summary comes back as the text of
// summary.json, so that Python sees exactly the structure the CLI writes.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.h"
#include "rlvr/metrics/analysis_files.h"
#include "rlvr/metrics/analyze.h"
#include "rlvr/metrics/pass_at_k.h"
#include "rlvr/util/error.h"
#include "rlvr/verify/grouping.h"

namespace rlvr::python {
namespace {

using Int64Array = py::array_t<int64_t, py::array::c_style | py::array::forcecast>;

// Element-wise pass@k of three equally long 1-D arrays (numpy broadcasting
// happens in Python before this).
py::array_t<double> pass_at_k_elementwise(const Int64Array& n, const Int64Array& c, const Int64Array& k) {
  if (n.ndim() != 1 || c.ndim() != 1 || k.ndim() != 1 || n.size() != c.size() || n.size() != k.size())
    throw py::value_error("n, c and k must be 1-D arrays of one length");
  py::array_t<double> out(n.size());
  const int64_t *pn = n.data(), *pc = c.data(), *pk = k.data();
  double* po = out.mutable_data();
  const py::ssize_t size = n.size();
  py::gil_scoped_release release;
  for (py::ssize_t i = 0; i < size; ++i) {
    try {
      po[i] = metrics::pass_at_k(pn[i], pc[i], pk[i]);
    } catch (const Error& e) {
      throw Error(fmt::format("element {} (n={}, c={}, k={}): {}", i, pn[i], pc[i], pk[i], e.what()));
    }
  }
  return out;
}

metrics::AnalysisOptions analysis_options(const std::string& baseline, const std::vector<int64_t>& ks, int64_t bootstrap,
                                          uint64_t seed, double ci_level, int maj_draws, int threads,
                                          const std::string& group_answers, const std::vector<double>& cover_taus) {
  metrics::AnalysisOptions o;
  for (double tau : cover_taus)
    if (!(tau > 0.0 && tau <= 1.0)) throw py::value_error(fmt::format("cover_tau values lie in (0, 1], got {}", tau));
  if (!cover_taus.empty()) o.cover_taus = cover_taus;  // else the defaults of `rlvr analyze`
  o.baseline = baseline;
  o.ks = ks;
  for (int64_t k : ks)
    if (k < 1) throw py::value_error(fmt::format("k must be positive integers, got {}", k));
  if (bootstrap < 0) throw py::value_error("bootstrap must be >= 0 (0: no intervals)");
  o.bootstrap = bootstrap;
  o.seed = seed;
  if (!(ci_level > 0.0 && ci_level < 1.0)) throw py::value_error("ci_level must lie strictly between 0 and 1");
  o.ci_level = ci_level;
  if (maj_draws < 1) throw py::value_error("maj_draws must be >= 1");
  o.maj_draws = maj_draws;
  if (threads < 0) throw py::value_error("threads must be >= 0 (0: all cores)");
  o.threads = threads;
  if (group_answers == "equivalent") o.answer_key = verify::canonical_answer_key;
  else if (group_answers != "exact")
    throw py::value_error(fmt::format("group_answers is \"exact\" or \"equivalent\", not '{}'", group_answers));
  return o;
}

// summary.json's text; with an out folder, every machine-readable output of
// `rlvr analyze` (summary.json and the CSV tables) is written there as well.
std::string finish(Analysis& analysis, const std::string& out_dir) {
  analysis.program = "rlvr python module " RLVR_VERSION;
  auto files = metrics::render_analysis_files(analysis);
  if (!out_dir.empty()) metrics::write_analysis_files(files, out_dir);
  for (const auto& [name, content] : files)
    if (name == "summary.json") return content;
  throw Error("the analysis rendered no summary.json");
}

// One problem of one model, as Python hands it over: counts, and per
// distinct answer (samples, correct) when the samples carried answers.
using ProblemRow = std::tuple<std::string, int64_t, int64_t, int64_t, std::vector<std::tuple<std::string, int64_t, int64_t>>>;

data::ModelSamples model_samples(const std::string& label, const std::vector<ProblemRow>& rows) {
  data::ModelSamples samples;
  for (const auto& [id, n, correct, abstained, answers] : rows) {
    if (n < 1 || correct < 0 || correct > n || abstained < 0)
      throw py::value_error(fmt::format("model '{}', problem '{}': need 0 <= correct <= n and n >= 1 (n={}, correct={})",
                                        label, id, n, correct));
    auto [it, fresh] = samples.problems.try_emplace(id);
    if (!fresh) throw py::value_error(fmt::format("model '{}': problem '{}' given twice", label, id));
    data::ProblemSamples& p = it->second;
    p.n = n;
    p.correct = correct;
    p.abstained = abstained;
    for (const auto& [answer, count, right] : answers) p.answers[answer] = data::AnswerCount{count, right};
  }
  return samples;
}

}  // namespace

void bind_analysis(py::module_& m) {
  m.def("pass_at_k_elementwise", &pass_at_k_elementwise, py::arg("n"), py::arg("c"), py::arg("k"));
  m.def(
      "analyze_files",
      [](const std::vector<std::pair<std::string, std::vector<std::filesystem::path>>>& models, const std::string& format,
         const std::string& baseline, const std::vector<int64_t>& ks, int64_t bootstrap, uint64_t seed, double ci_level,
         int maj_draws, int threads, const std::string& group_answers, const std::vector<double>& cover_tau,
         const std::string& out) {
        metrics::AnalysisOptions options =
            analysis_options(baseline, ks, bootstrap, seed, ci_level, maj_draws, threads, group_answers, cover_tau);
        data::ReadOptions read{data::parse_input_format(format), threads};
        py::gil_scoped_release release;
        Analysis analysis = metrics::analyze_files(models, read, options);
        return finish(analysis, out);
      },
      py::arg("models"), py::arg("format"), py::arg("baseline"), py::arg("k"), py::arg("bootstrap"), py::arg("seed"),
      py::arg("ci_level"), py::arg("maj_draws"), py::arg("threads"), py::arg("group_answers"), py::arg("cover_tau"),
      py::arg("out"));
  m.def(
      "analyze_counts",
      [](const std::vector<std::pair<std::string, std::vector<ProblemRow>>>& models, const std::string& baseline,
         const std::vector<int64_t>& ks, int64_t bootstrap, uint64_t seed, double ci_level, int maj_draws, int threads,
         const std::string& group_answers, const std::vector<double>& cover_tau, const std::string& out) {
        metrics::AnalysisOptions options =
            analysis_options(baseline, ks, bootstrap, seed, ci_level, maj_draws, threads, group_answers, cover_tau);
        std::vector<metrics::ModelInput> inputs;
        for (const auto& [label, rows] : models) inputs.push_back({label, model_samples(label, rows)});
        py::gil_scoped_release release;
        Analysis analysis = metrics::analyze_models(inputs, options);
        return finish(analysis, out);
      },
      py::arg("models"), py::arg("baseline"), py::arg("k"), py::arg("bootstrap"), py::arg("seed"), py::arg("ci_level"),
      py::arg("maj_draws"), py::arg("threads"), py::arg("group_answers"), py::arg("cover_tau"), py::arg("out"));
}

}  // namespace rlvr::python
