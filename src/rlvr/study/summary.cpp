#include "rlvr/study/summary.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "rlvr/build_info.h"
#include "rlvr/metrics/findings.h"
#include "rlvr/util/files.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace rlvr::study {

metrics::AnalysisOptions study_analysis_options(const StudyConfig& config, const std::string& baseline, int threads) {
  metrics::AnalysisOptions a;
  a.baseline = baseline;
  a.bootstrap = config.eval.bootstrap;
  a.seed = config.seed;
  a.threads = threads;
  return a;
}

void describe_findings(report::TaskStudy& study) {
  const std::vector<metrics::ModelFinding> described = metrics::describe_models(study.analysis);
  study.findings = metrics::findings_summary(described);
  for (const metrics::ModelFinding& f : described) study.finding_items.push_back(f.sentence);
}

std::vector<report::PerplexityGroup> read_perplexity_groups(const fs::path& file) {
  std::vector<report::PerplexityGroup> groups;
  for (const json& g : json::parse(read_file(file)))
    groups.push_back({g["scorer"], g["responder"], g["values"].get<std::vector<double>>()});
  return groups;
}

json task_section(const report::TaskStudy& study, json models) {
  json verdicts = json::object();
  for (const metrics::ModelFinding& f : metrics::describe_models(study.analysis))
    verdicts[f.model] = f.verdict;
  json ppl_medians = json::object();
  for (const report::PerplexityGroup& group : study.perplexity) {
    std::vector<double> sorted = group.values;
    std::sort(sorted.begin(), sorted.end());
    if (!sorted.empty())
      ppl_medians[fmt::format("PPL_{}(Y_{})", group.scorer, group.responder)] = sorted[sorted.size() / 2];
  }
  json valid_pass = json::object();
  if (study.steps_valid) {
    for (const ModelSummary& m : study.steps_valid->models) {
      json curve = json::object();
      for (const CurvePoint& p : m.pass_at_k) curve[std::to_string(p.k)] = p.value;
      valid_pass[m.label] = curve;
    }
  }
  json section = {{"findings", metrics::findings_paragraph(study.analysis)},
                  {"verdicts", verdicts},
                  {"perplexity_median", ppl_medians},
                  {"steps_valid_pass_at_k", valid_pass},
                  {"models", std::move(models)}};
  if (study.chance)
    section["guess_chance"] = {{"k_max", study.chance->k_max},
                               {"pass_at_1", study.chance->pass_at_1},
                               {"pass_at_k_max", study.chance->pass_at_k_max}};
  return section;
}

namespace {

// The headline the command prints: per model pass@1 and pass@k_max, pass@k_max
// counting only completions with valid steps, and against the baseline
// crossover k, Delta_SE and the verdict; then what guessing alone scores. The
// last two say on the first screen how much of a pass@k is luck.
std::string headline_table(const std::vector<report::TaskStudy>& tasks) {
  std::string out;
  for (const report::TaskStudy& t : tasks) {
    const Analysis& a = t.analysis;
    int64_t k_max = a.ks.empty() ? 1 : a.ks.back();
    out += fmt::format("\n{}: {} test problems\n", t.task, a.problems);
    size_t width = 10;  // the model column fits the longest label
    for (const ModelSummary& m : a.models) width = std::max(width, m.label.size());
    std::map<std::string, double> valid_at_k_max;
    if (t.steps_valid)
      for (const ModelSummary& m : t.steps_valid->models)
        if (!m.pass_at_k.empty()) valid_at_k_max[m.label] = m.pass_at_k.back().value;
    const std::string valid_header = t.steps_valid ? fmt::format(" {:>10}", fmt::format("valid@{}", k_max)) : "";
    out += fmt::format("  {:<{}} {:>8} {:>10}{} {:>10} {:>9}  {}\n", "model", width, "pass@1",
                       fmt::format("pass@{}", k_max), valid_header, "crossover", "Delta_SE",
                       "against " + (a.comparisons.empty() ? std::string("base") : a.comparisons.front().baseline));
    std::map<std::string, const Comparison*> by_model;
    for (const Comparison& c : a.comparisons) by_model[c.model] = &c;
    std::map<std::string, std::string> verdicts;
    for (const metrics::ModelFinding& f : metrics::describe_models(a))
      verdicts[f.model] = f.verdict;
    for (const ModelSummary& m : a.models) {
      double p1 = m.pass_at_k.empty() ? 0 : m.pass_at_k.front().value;
      double pk = m.pass_at_k.empty() ? 0 : m.pass_at_k.back().value;
      std::string valid;
      if (t.steps_valid)
        valid = valid_at_k_max.count(m.label) ? fmt::format(" {:>10.3f}", valid_at_k_max[m.label])
                                              : fmt::format(" {:>10}", "-");
      const Comparison* c = by_model.count(m.label) ? by_model[m.label] : nullptr;
      out += fmt::format("  {:<{}} {:>8.3f} {:>10.3f}{} {:>10} {:>9}  {}\n", m.label, width, p1, pk, valid,
                         c ? (c->crossover_k ? std::to_string(*c->crossover_k) : "none") : "-",
                         c ? fmt::format("{:.3f}", c->delta_se) : "-", verdicts.count(m.label) ? verdicts[m.label] : "");
    }
    if (t.steps_valid)
      out += fmt::format("  valid@{}: pass@{} counting only completions whose every step checks\n", k_max, k_max);
    if (t.chance)
      out += fmt::format("  guessing the answer alone (docs/TASKS.md): pass@1 {:.3f}, pass@{} {:.3f}\n",
                         t.chance->pass_at_1, t.chance->k_max, t.chance->pass_at_k_max);
  }
  return out;
}

// summary.json in the analyze schema: one task's models as they are; with
// several tasks, labels become "task/model".
json combined_summary(const std::vector<std::string>& tasks, const fs::path& out) {
  json summary = {{"models", json::object()}, {"comparisons", json::array()}};
  for (const std::string& task : tasks) {
    json one = json::parse(read_file(out / task / "analysis" / "summary.json"));
    if (tasks.size() == 1) return one;
    auto prefixed = [&](const std::string& label) { return task + "/" + label; };
    for (auto& [label, model] : one["models"].items()) summary["models"][prefixed(label)] = model;
    for (json c : one["comparisons"]) {
      c["baseline"] = prefixed(c["baseline"]);
      c["model"] = prefixed(c["model"]);
      summary["comparisons"].push_back(c);
    }
  }
  return summary;
}

}  // namespace

StudyOutcome finish_study(const StudyConfig& config, const fs::path& out, const std::vector<report::TaskStudy>& studies,
                          const json& per_task, StageRunner& stages, int threads) {
  auto start = std::chrono::steady_clock::now();
  report::StudyReportInput input;
  input.name = config.name;
  input.tasks = studies;
  double total = 0;
  for (const StageTiming& t : stages.timings()) total += t.seconds;
  input.provenance_summary = fmt::format(
      "rlvr {} at commit {}\nseed {}, {} threads on {} cores\nconfig: {}\n"
      "total stage time {:.0f} s (stages side by side each counted), this run {:.0f} s of wall time",
      RLVR_VERSION, RLVR_GIT_COMMIT, config.seed, threads, std::thread::hardware_concurrency(),
      (out / "config.toml").string(), total, stages.wall_seconds());
  for (const StageTiming& t : stages.timings())
    input.stage_seconds.push_back({t.stage + (t.cached ? " (cached)" : ""), t.seconds});
  report::write_study_report(input, out);
  stages.record("report", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());

  json summary = combined_summary(config.task_names(), out);
  // Timings live in provenance.json: summary.json holds results only, so an
  // interrupted and resumed study gives the same summary as an uninterrupted one.
  summary["study"] = {{"name", config.name}, {"tasks", per_task}, {"seed", config.seed}, {"threads", threads}};
  write_file_atomically(out / "summary.json", summary.dump(2) + "\n");
  write_provenance(out / "provenance.json", config.source, config.seed, threads, stages.timings(),
                   stages.wall_seconds());

  StudyOutcome outcome;
  outcome.report = out / "report.html";
  outcome.summary = out / "summary.json";
  outcome.headline = headline_table(studies);
  return outcome;
}

}  // namespace rlvr::study
