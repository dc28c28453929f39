// rlvr analyze: pass@k / maj@k curves and cover@tau with bootstrap intervals,
// paired differences and verdicts, crossover k, Delta_SE and coverage for one
// or more models' sample files.
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/analysis_output.h"
#include "cli/command.h"
#include "rlvr/metrics/analyze.h"
#include "rlvr/util/error.h"
#include "rlvr/verify/grouping.h"

namespace rlvr::cli {
namespace {

using ModelFiles = std::pair<std::string, std::vector<std::filesystem::path>>;

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t at = text.find(sep, start);
    parts.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) break;
    start = at + 1;
  }
  return parts;
}

ModelFiles parse_model(const std::string& spec) {
  size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    throw Error(fmt::format("--model '{}': expected LABEL=PATH[,PATH...]", spec));
  ModelFiles model{spec.substr(0, eq), {}};
  for (const auto& path : split(spec.substr(eq + 1), ','))
    if (!path.empty()) model.second.emplace_back(path);
  return model;
}

std::vector<int64_t> parse_ks(const std::string& list) {
  std::vector<int64_t> ks;
  for (const auto& part : split(list, ',')) {
    int64_t k = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), k);
    if (ec != std::errc() || end != part.data() + part.size() || k < 1)
      throw Error(fmt::format("--k '{}': '{}' is not a positive integer", list, part));
    ks.push_back(k);
  }
  return ks;
}

std::vector<double> parse_taus(const std::string& list) {
  std::vector<double> taus;
  if (list == "none") return taus;
  for (const auto& part : split(list, ',')) {
    double tau = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), tau);
    if (ec != std::errc() || end != part.data() + part.size() || !(tau > 0.0 && tau <= 1.0))
      throw Error(fmt::format("--cover-tau '{}': '{}' is not a number in (0, 1]", list, part));
    taus.push_back(tau);
  }
  return taus;
}

struct Options {
  std::vector<std::string> models;
  std::string group_answers = "exact";
  std::string baseline, ks, format = "auto", out;
  std::string cover_tau = fmt::format("{}", fmt::join(metrics::AnalysisOptions{}.cover_taus, ","));
  int64_t bootstrap = 1000;
  uint64_t seed = 0;
  int threads = 0, maj_draws = 32;
};

void run(const Options& o) {
  // Repeating a label adds files to that model (for paths with commas).
  std::vector<ModelFiles> models;
  for (const auto& spec : o.models) {
    ModelFiles model = parse_model(spec);
    auto same = std::find_if(models.begin(), models.end(), [&](const auto& m) { return m.first == model.first; });
    if (same == models.end()) models.push_back(std::move(model));
    else same->second.insert(same->second.end(), model.second.begin(), model.second.end());
  }
  data::ReadOptions read{data::parse_input_format(o.format), o.threads};
  metrics::AnalysisOptions options;
  options.baseline = o.baseline;
  if (!o.ks.empty()) options.ks = parse_ks(o.ks);
  options.bootstrap = o.bootstrap;
  options.seed = o.seed;
  options.threads = o.threads;
  options.maj_draws = o.maj_draws;
  options.cover_taus = parse_taus(o.cover_tau);
  if (o.group_answers == "equivalent") options.answer_key = verify::canonical_answer_key;
  Analysis analysis = metrics::analyze_files(models, read, options);
  write_analysis_outputs(analysis, o.out);
}

Registration registration{
    "analyze", "pass@k, maj@k and cover@tau, verdicts against the baseline, crossover k, Delta_SE and coverage of models' samples",
    [](CLI::App& sub) {
      auto o = std::make_shared<Options>();
      sub.add_option("--model", o->models, "LABEL=PATH[,PATH...]: one model's sample files (repeat per model; a repeated label adds files)")
          ->required();
      sub.add_option("--baseline", o->baseline, "label the other models are compared with (default: the first)");
      sub.add_option("--k", o->ks, "comma-separated k list (default: powers of two up to the smallest n, and that n)");
      sub.add_option("--bootstrap", o->bootstrap, "bootstrap replicates for the intervals (0: off)")
          ->capture_default_str();
      sub.add_option("--seed", o->seed, "seed of the bootstrap and maj@k draws")->capture_default_str();
      sub.add_option("--format", o->format, "auto, reference, samples or counts")->capture_default_str();
      sub.add_option("--threads", o->threads, "threads (0: all cores; results do not depend on it)")
          ->capture_default_str();
      sub.add_option("--maj-draws", o->maj_draws, "random sample orders per problem for maj@k")
          ->capture_default_str();
      sub.add_option("--cover-tau", o->cover_tau,
                     "comma-separated tau in (0, 1] for cover@tau, the share of problems whose accuracy c/n is "
                     "at least tau ('none': no cover@tau)")
          ->capture_default_str();
      sub.add_option("--group-answers", o->group_answers,
                     "how maj@k groups answers: exact (same string) or equivalent (same value, by the math verifier)")
          ->check(CLI::IsMember({"exact", "equivalent"}))
          ->capture_default_str();
      sub.add_option("--out", o->out, "folder for summary.json, CSVs, charts and report.html")->required();
      sub.callback([o] { run(*o); });
    }};

}  // namespace
}  // namespace rlvr::cli
