#include "rlvr/metrics/analysis_files.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "rlvr/metrics/analyze.h"
#include "rlvr/metrics/findings.h"
#include "rlvr/util/files.h"

namespace rlvr::metrics {

namespace {

using nlohmann::ordered_json;

ordered_json curve_values(const std::vector<CurvePoint>& curve) {
  ordered_json out = ordered_json::object();
  for (const auto& p : curve) out[std::to_string(p.k)] = p.value;
  return out;
}

ordered_json curve_intervals(const std::vector<CurvePoint>& curve) {
  ordered_json out = ordered_json::object();
  for (const auto& p : curve) out[std::to_string(p.k)] = {p.ci_low, p.ci_high};
  return out;
}

// A tau as a key or CSV field: the shortest text that reads back as it.
std::string tau_text(double tau) { return fmt::format("{}", tau); }

ordered_json cover_values(const std::vector<CoverPoint>& cover) {
  ordered_json out = ordered_json::object();
  for (const auto& p : cover) out[tau_text(p.tau)] = p.value;
  return out;
}

ordered_json cover_intervals(const std::vector<CoverPoint>& cover) {
  ordered_json out = ordered_json::object();
  for (const auto& p : cover) out[tau_text(p.tau)] = {p.ci_low, p.ci_high};
  return out;
}

ordered_json verdict_json(const ModelFinding& f) {
  ordered_json kinds = ordered_json::array(), reasons = ordered_json::array();
  for (VerdictKind kind : f.kinds) kinds.push_back(verdict_kind_id(kind));
  for (VerdictReason reason : f.reasons) reasons.push_back(verdict_reason_id(reason));
  return {{"kinds", kinds}, {"reasons", reasons}, {"text", f.verdict}, {"sentence", f.sentence}};
}

std::string summary_json(const Analysis& a) {
  const std::vector<ModelFinding> findings = describe_models(a);
  ordered_json root;
  ordered_json models = ordered_json::object();
  for (const auto& m : a.models) {
    ordered_json j;
    j["problems"] = m.problems;
    j["problems_analyzed"] = m.problems_analyzed;
    j["samples"] = m.samples;
    j["n_min"] = m.n_min;
    j["n_max"] = m.n_max;
    j["pass_at_k"] = curve_values(m.pass_at_k);
    j["pass_at_k_ci"] = curve_intervals(m.pass_at_k);
    j["solved"] = m.solved;
    j["accuracy_histogram"] = m.accuracy_histogram;
    if (!m.cover_at_tau.empty()) {
      j["cover_at_tau"] = cover_values(m.cover_at_tau);
      j["cover_at_tau_ci"] = cover_intervals(m.cover_at_tau);
    }
    if (!m.maj_at_k.empty()) {
      j["maj_at_k"] = curve_values(m.maj_at_k);
      j["maj_at_k_ci"] = curve_intervals(m.maj_at_k);
    }
    j["files"] = m.files;
    models[m.label] = std::move(j);
  }
  root["models"] = std::move(models);
  ordered_json comparisons = ordered_json::array();
  for (const auto& c : a.comparisons) {
    ordered_json j;
    j["baseline"] = c.baseline;
    j["model"] = c.model;
    j["problems"] = c.problems;
    j["crossover_k"] = c.crossover_k ? ordered_json(*c.crossover_k) : ordered_json(nullptr);
    j["delta_se"] = c.delta_se;
    j["delta_se_ci"] = {c.delta_se_ci_low, c.delta_se_ci_high};
    j["k_max"] = c.k_max;
    j["coverage"] = {{"both", c.coverage.both.size()},
                     {"baseline_only", c.coverage.baseline_only.size()},
                     {"model_only", c.coverage.model_only.size()},
                     {"neither", c.coverage.neither.size()}};
    j["coverage_ids"] = {{"both", c.coverage.both},
                         {"baseline_only", c.coverage.baseline_only},
                         {"model_only", c.coverage.model_only},
                         {"neither", c.coverage.neither}};
    j["pass_at_k_difference"] = curve_values(c.pass_at_k_difference);
    j["pass_at_k_difference_ci"] = curve_intervals(c.pass_at_k_difference);
    auto finding = std::find_if(findings.begin(), findings.end(),
                                [&](const ModelFinding& f) { return f.model == c.model && f.baseline == c.baseline; });
    j["verdict"] = finding == findings.end() ? ordered_json(nullptr) : verdict_json(*finding);
    comparisons.push_back(std::move(j));
  }
  root["comparisons"] = std::move(comparisons);
  root["findings"] = findings_summary(findings);
  root["settings"] = {{"baseline", a.baseline},    {"k", a.ks},
                      {"bootstrap", a.bootstrap},  {"seed", a.seed},
                      {"ci_level", a.ci_level},    {"maj_draws", a.maj_draws},
                      {"cover_tau", a.cover_taus}, {"problems", a.problems}};
  root["run"] = {{"program", a.program},
                 {"read_seconds", a.read_seconds},
                 {"analysis_seconds", a.analysis_seconds}};
  root["missing_problems"] = a.missing_problems;
  root["notes"] = a.notes;
  return root.dump(2) + "\n";
}

// A CSV field, quoted when it holds a comma, quote or newline.
std::string csv(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string number(double v) { return fmt::format("{:.8g}", v); }

std::string curve_csv(const Analysis& a, bool maj) {
  std::string out = "label,k,value,ci_low,ci_high\n";
  for (const auto& m : a.models)
    for (const auto& p : maj ? m.maj_at_k : m.pass_at_k)
      out += fmt::format("{},{},{},{},{}\n", csv(m.label), p.k, number(p.value), number(p.ci_low), number(p.ci_high));
  return out;
}

std::string cover_csv(const Analysis& a) {
  std::string out = "label,tau,value,ci_low,ci_high\n";
  for (const auto& m : a.models)
    for (const auto& p : m.cover_at_tau)
      out += fmt::format("{},{},{},{},{}\n", csv(m.label), tau_text(p.tau), number(p.value), number(p.ci_low),
                         number(p.ci_high));
  return out;
}

std::string per_problem_csv(const Analysis& a) {
  std::string out = "problem_id";
  for (const auto& m : a.models) out += fmt::format(",{},{}", csv(m.label + "_n"), csv(m.label + "_correct"));
  out += "\n";
  std::vector<const std::string*> ids;
  for (const auto& [id, counts] : a.per_problem) ids.push_back(&id);
  std::sort(ids.begin(), ids.end(), [](const auto* x, const auto* y) { return natural_less(*x, *y); });
  for (const auto* id : ids) {
    out += csv(*id);
    const auto& counts = a.per_problem.at(*id);
    for (const auto& m : a.models) {
      auto it = counts.find(m.label);
      out += it == counts.end() ? std::string(",,") : fmt::format(",{},{}", it->second.n, it->second.correct);
    }
    out += "\n";
  }
  return out;
}

std::string coverage_csv(const Analysis& a) {
  std::string out = "baseline,model,problem_id,cell\n";
  for (const auto& c : a.comparisons) {
    std::vector<std::pair<const std::string*, const char*>> rows;
    for (const auto& id : c.coverage.both) rows.push_back({&id, "both"});
    for (const auto& id : c.coverage.baseline_only) rows.push_back({&id, "baseline_only"});
    for (const auto& id : c.coverage.model_only) rows.push_back({&id, "model_only"});
    for (const auto& id : c.coverage.neither) rows.push_back({&id, "neither"});
    std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return natural_less(*x.first, *y.first); });
    for (const auto& [id, cell] : rows) out += fmt::format("{},{},{},{}\n", csv(c.baseline), csv(c.model), csv(*id), cell);
  }
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> render_analysis_files(const Analysis& analysis) {
  std::vector<std::pair<std::string, std::string>> files{{"summary.json", summary_json(analysis)},
                                                         {"pass_at_k.csv", curve_csv(analysis, false)},
                                                         {"per_problem.csv", per_problem_csv(analysis)},
                                                         {"coverage.csv", coverage_csv(analysis)}};
  bool any_maj = std::any_of(analysis.models.begin(), analysis.models.end(),
                             [](const auto& m) { return !m.maj_at_k.empty(); });
  if (any_maj) files.emplace_back("maj_at_k.csv", curve_csv(analysis, true));
  bool any_cover = std::any_of(analysis.models.begin(), analysis.models.end(),
                               [](const auto& m) { return !m.cover_at_tau.empty(); });
  if (any_cover) files.emplace_back("cover_at_tau.csv", cover_csv(analysis));
  return files;
}

void write_analysis_files(const std::vector<std::pair<std::string, std::string>>& files,
                          const std::filesystem::path& out_dir) {
  for (const auto& [name, content] : files) write_file_atomically(out_dir / name, content);
}

std::string format_analysis_table(const Analysis& a) {
  const std::vector<ModelFinding> findings = describe_models(a);
  std::string out;
  const int64_t k_max = a.ks.empty() ? 0 : a.ks.back();
  size_t label_width = 5;
  for (const auto& m : a.models) label_width = std::max(label_width, m.label.size());
  out += fmt::format("{} problems analysed, k = 1..{}, {} bootstrap replicates ({:.0f}% intervals)\n\n",
                     a.problems, k_max, a.bootstrap, a.ci_level * 100);
  std::string pk = fmt::format("pass@{}", k_max), mk = fmt::format("maj@{}", k_max);
  out += fmt::format("  {:<{}}  {:>21}  {:>21}  {:>9}  {:>8}\n", "model", label_width, "pass@1", pk, "solved", mk);
  for (const auto& m : a.models) {
    const auto& first = m.pass_at_k.front();
    const auto& last = m.pass_at_k.back();
    std::string maj = m.maj_at_k.empty() ? "-" : fmt::format("{:.3f}", m.maj_at_k.back().value);
    out += fmt::format("  {:<{}}  {:.3f} [{:.3f}, {:.3f}]  {:.3f} [{:.3f}, {:.3f}]  {:>9}  {:>8}\n", m.label,
                       label_width, first.value, first.ci_low, first.ci_high, last.value, last.ci_low, last.ci_high,
                       fmt::format("{}/{}", m.solved, m.problems_analyzed), maj);
  }
  for (const auto& c : a.comparisons) {
    out += fmt::format("\n  {} vs {} (baseline):\n", c.model, c.baseline);
    out += fmt::format("    crossover k  {}\n", c.crossover_k ? std::to_string(*c.crossover_k)
                                                              : std::string("none (the model stays ahead)"));
    out += fmt::format("    Delta_SE     {:.3f} [{:.3f}, {:.3f}]  (baseline pass@{} - model pass@1)\n", c.delta_se,
                       c.delta_se_ci_low, c.delta_se_ci_high, c.k_max);
    out += fmt::format("    coverage     both {}, baseline only {}, model only {}, neither {}\n",
                       c.coverage.both.size(), c.coverage.baseline_only.size(), c.coverage.model_only.size(),
                       c.coverage.neither.size());
    for (const auto& d : c.pass_at_k_difference)
      if (d.k == 1 || d.k == c.k_max)
        out += fmt::format("    {:<12} {:+.3f} [{:+.3f}, {:+.3f}]  (model - baseline, paired)\n",
                           fmt::format("d pass@{}", d.k), d.value, d.ci_low, d.ci_high);
    for (const auto& f : findings)
      if (f.model == c.model && f.baseline == c.baseline) out += fmt::format("    verdict      {}\n", f.verdict);
  }
  for (const auto& note : a.notes) out += fmt::format("\n  note: {}", note);
  if (!a.notes.empty()) out += "\n";
  return out;
}

}  // namespace rlvr::metrics
