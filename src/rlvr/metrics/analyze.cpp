#include "rlvr/metrics/analyze.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "rlvr/metrics/bootstrap.h"
#include "rlvr/metrics/boundary.h"
#include "rlvr/metrics/pass_at_k.h"
#include "rlvr/metrics/random.h"
#include "rlvr/util/error.h"
#include "rlvr/util/parallel.h"
#include "rlvr/util/progress.h"
#include "rlvr/util/seed.h"

namespace rlvr::metrics {

namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string first_ids(const std::vector<std::string>& ids, size_t shown = 5) {
  std::string out;
  for (size_t i = 0; i < std::min(shown, ids.size()); ++i) out += (i ? ", " : "") + ids[i];
  if (ids.size() > shown) out += ", ...";
  return out;
}

// One model's counts laid out over the shared problems.
struct ModelColumns {
  std::vector<int64_t> n, correct;
  bool has_answers = false;
};

// Per-problem values of every curve, side by side: for each model its
// pass@k columns, then its maj@k columns when it has answers, then its
// cover@tau columns (0 or 1: c/n reaches tau); then the curves' point
// estimates (means over problems) and bootstrap replicate means.
struct CurveTable {
  int64_t problems = 0, width = 0, cover_width = 0, total_columns = 0;
  std::vector<int64_t> pass_offset, maj_offset;  // per model; maj_offset -1: none
  std::vector<int64_t> cover_offset;             // per model
  std::vector<int64_t> blocks;                   // widths of the curves, in column order
  std::vector<double> values;                    // [problems, total_columns]
  std::vector<double> estimate;                  // [total_columns]
  std::vector<double> means;                     // [bootstrap, total_columns]
};

}  // namespace

bool natural_less(const std::string& a, const std::string& b) {
  bool da = all_digits(a), db = all_digits(b);
  if (da != db) return da;
  if (da) {
    size_t za = a.find_first_not_of('0'), zb = b.find_first_not_of('0');
    std::string_view ta = za == std::string::npos ? "" : std::string_view(a).substr(za);
    std::string_view tb = zb == std::string::npos ? "" : std::string_view(b).substr(zb);
    if (ta.size() != tb.size()) return ta.size() < tb.size();
    if (ta != tb) return ta < tb;
  }
  return a < b;
}

namespace {

// Checks the request; returns the baseline's index.
size_t check_request(const std::vector<ModelInput>& models, const AnalysisOptions& options) {
  if (models.empty()) throw Error("no models to analyse: give at least one --model LABEL=PATH");
  std::set<std::string> labels;
  for (const auto& m : models) {
    if (m.label.empty()) throw Error("a model label is empty");
    if (!labels.insert(m.label).second) throw Error(fmt::format("model label '{}' is given twice", m.label));
    if (m.samples.problems.empty()) throw Error(fmt::format("model '{}' has no problems", m.label));
  }
  std::string baseline = options.baseline.empty() ? models.front().label : options.baseline;
  auto base_it = std::find_if(models.begin(), models.end(), [&](const auto& m) { return m.label == baseline; });
  if (base_it == models.end())
    throw Error(fmt::format("baseline '{}' is not one of the models ({})", baseline,
                            fmt::join(labels.begin(), labels.end(), ", ")));
  if (options.bootstrap < 0) throw Error("--bootstrap must be 0 or more");
  if (options.maj_draws < 1) throw Error("the number of maj@k draws must be at least 1");
  if (!(options.ci_level > 0.0 && options.ci_level < 1.0)) throw Error("the interval level must lie in (0, 1)");
  for (double tau : options.cover_taus)
    if (!(tau > 0.0 && tau <= 1.0)) throw Error(fmt::format("cover@tau: tau = {} is not in (0, 1]", tau));
  return static_cast<size_t>(base_it - models.begin());
}

// The problems every model has, in natural order; what each model lacks goes
// to analysis.missing_problems and the notes.
std::vector<std::string> shared_problems(const std::vector<ModelInput>& models, Analysis& analysis) {
  std::set<std::string> all_ids;
  for (const auto& m : models)
    for (const auto& [id, p] : m.samples.problems) all_ids.insert(id);
  std::vector<std::string> shared;
  for (const auto& id : all_ids) {
    bool everywhere = std::all_of(models.begin(), models.end(),
                                  [&](const auto& m) { return m.samples.problems.count(id) > 0; });
    if (everywhere) shared.push_back(id);
    else
      for (const auto& m : models)
        if (!m.samples.problems.count(id)) analysis.missing_problems[m.label].push_back(id);
  }
  std::sort(shared.begin(), shared.end(), natural_less);
  for (auto& [label, ids] : analysis.missing_problems) {
    std::sort(ids.begin(), ids.end(), natural_less);
    analysis.notes.push_back(fmt::format("{} problem(s) dropped from the comparison: missing for model '{}' ({})",
                                         ids.size(), label, first_ids(ids)));
  }
  if (shared.empty()) throw Error("the models share no problem ids; nothing to compare");
  if (shared.size() < all_ids.size())
    analysis.notes.push_back(
        fmt::format("{} of {} problems are shared by all models and analysed", shared.size(), all_ids.size()));
  return shared;
}

std::vector<ModelColumns> model_columns(const std::vector<ModelInput>& models,
                                        const std::vector<std::string>& shared) {
  std::vector<ModelColumns> columns(models.size());
  for (size_t m = 0; m < models.size(); ++m) {
    auto& col = columns[m];
    col.n.reserve(shared.size());
    col.correct.reserve(shared.size());
    col.has_answers = true;
    for (const auto& id : shared) {
      const auto& p = models[m].samples.problems.at(id);
      col.n.push_back(p.n);
      col.correct.push_back(p.correct);
      if (p.samples_without_answer_field() != 0) col.has_answers = false;
    }
  }
  return columns;
}

// The evaluated k: given (checked against every n) or the default; k = 1
// is always there, for pass@1 and Delta_SE.
std::vector<int64_t> evaluated_ks(const std::vector<ModelInput>& models, const std::vector<std::string>& shared,
                                  const std::vector<ModelColumns>& columns, const std::vector<int64_t>& asked) {
  int64_t n_min = INT64_MAX;
  for (const auto& col : columns)
    for (int64_t n : col.n) n_min = std::min(n_min, n);
  std::vector<int64_t> ks = asked.empty() ? default_ks(n_min) : asked;
  ks.push_back(1);
  std::sort(ks.begin(), ks.end());
  ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
  if (ks.front() < 1) throw Error(fmt::format("k = {} is not allowed: every k must be at least 1", ks.front()));
  for (size_t m = 0; m < models.size(); ++m)
    for (size_t p = 0; p < shared.size(); ++p)
      if (columns[m].n[p] < ks.back())
        throw Error(fmt::format("k = {} is larger than n = {} of problem '{}' of model '{}' (the largest k "
                                "allowed is the smallest n, {})",
                                ks.back(), columns[m].n[p], shared[p], models[m].label, n_min));
  return ks;
}

// Every curve's per-problem values (pass@k exactly, maj@k by Monte Carlo
// draws), their means and the bootstrap replicate means.
CurveTable curve_table(const std::vector<ModelInput>& models, const std::vector<std::string>& shared,
                       const std::vector<ModelColumns>& columns, const std::vector<int64_t>& ks,
                       const AnalysisOptions& options) {
  CurveTable t;
  t.problems = static_cast<int64_t>(shared.size());
  t.width = static_cast<int64_t>(ks.size());
  const int64_t problems = t.problems, width = t.width;
  t.cover_width = static_cast<int64_t>(options.cover_taus.size());
  t.pass_offset.resize(models.size());
  t.maj_offset.assign(models.size(), -1);
  t.cover_offset.resize(models.size());
  auto add_block = [&](int64_t block_width) {
    const int64_t offset = t.total_columns;
    t.total_columns += block_width;
    if (block_width > 0) t.blocks.push_back(block_width);
    return offset;
  };
  for (size_t m = 0; m < models.size(); ++m) {
    t.pass_offset[m] = add_block(width);
    if (columns[m].has_answers) t.maj_offset[m] = add_block(width);
    t.cover_offset[m] = add_block(t.cover_width);
  }
  const int64_t total_columns = t.total_columns;
  t.values.resize(static_cast<size_t>(problems * total_columns));
  for (size_t m = 0; m < models.size(); ++m) {
    std::vector<double> pass = pass_at_k_matrix(columns[m].n, columns[m].correct, ks, options.threads);
    for (int64_t p = 0; p < problems; ++p)
      std::copy_n(pass.begin() + p * width, width, t.values.begin() + p * total_columns + t.pass_offset[m]);
    for (int64_t p = 0; p < problems; ++p)
      for (int64_t j = 0; j < t.cover_width; ++j)
        t.values[p * total_columns + t.cover_offset[m] + j] =
            accuracy_at_least(columns[m].n[p], columns[m].correct[p], options.cover_taus[j]) ? 1.0 : 0.0;
    if (t.maj_offset[m] < 0) continue;
    const uint64_t label_hash = stable_hash(models[m].label);
    Progress progress(fmt::format("maj@k of {}", models[m].label), problems, "problems");
    parallel_for(problems, options.threads, [&](int64_t p) {
      const auto& problem = models[m].samples.problems.at(shared[p]);
      std::vector<AnswerGroup> groups = group_answers(problem.answers, options.answer_key);
      uint64_t seed = derive_seed(options.seed, {0x6d616a /* "maj" */, label_hash, stable_hash(shared[p])});
      maj_at_k_row(
          groups, problem.n, ks, options.maj_draws, seed,
          std::span<double>(t.values.data() + p * total_columns + t.maj_offset[m], static_cast<size_t>(width)));
      progress.advance();
    });
  }

  t.estimate.assign(static_cast<size_t>(total_columns), 0.0);
  for (int64_t p = 0; p < problems; ++p)
    for (int64_t j = 0; j < total_columns; ++j) t.estimate[j] += t.values[p * total_columns + j];
  for (auto& e : t.estimate) e /= static_cast<double>(problems);
  t.means = bootstrap_means(t.values, problems, total_columns, options.bootstrap, options.seed, options.threads,
                            t.blocks);
  return t;
}

// The curve whose columns start at `offset`, with its intervals.
std::vector<CurvePoint> curve_points(const CurveTable& t, int64_t offset, const std::vector<int64_t>& ks,
                                     const AnalysisOptions& options) {
  std::vector<CurvePoint> points;
  for (int64_t j = 0; j < t.width; ++j) {
    const double e = t.estimate[offset + j];
    CurvePoint point{.k = ks[j], .value = e, .ci_low = e, .ci_high = e};
    if (options.bootstrap > 0) {
      Interval ci = percentile_interval(t.means, t.total_columns, offset + j, options.ci_level);
      point.ci_low = ci.low;
      point.ci_high = ci.high;
    }
    points.push_back(point);
  }
  return points;
}

ModelSummary summarise_model(const ModelInput& model, const ModelColumns& col, const CurveTable& t, size_t m,
                             const std::vector<int64_t>& ks, const AnalysisOptions& options) {
  ModelSummary summary;
  summary.label = model.label;
  summary.problems = static_cast<int64_t>(model.samples.problems.size());
  summary.problems_analyzed = t.problems;
  for (const auto& f : model.samples.files) summary.files.push_back(f.string());
  summary.n_min = *std::min_element(col.n.begin(), col.n.end());
  summary.n_max = *std::max_element(col.n.begin(), col.n.end());
  for (int64_t n : col.n) summary.samples += n;
  summary.pass_at_k = curve_points(t, t.pass_offset[m], ks, options);
  if (t.maj_offset[m] >= 0) summary.maj_at_k = curve_points(t, t.maj_offset[m], ks, options);
  summary.solved = std::count_if(col.correct.begin(), col.correct.end(), [](int64_t c) { return c > 0; });
  summary.accuracy_histogram = accuracy_histogram(col.n, col.correct);
  for (int64_t j = 0; j < t.cover_width; ++j) {
    const int64_t column = t.cover_offset[m] + j;
    const double e = t.estimate[column];
    CoverPoint point{.tau = options.cover_taus[j], .value = e, .ci_low = e, .ci_high = e};
    if (options.bootstrap > 0) {
      Interval ci = percentile_interval(t.means, t.total_columns, column, options.ci_level);
      point.ci_low = ci.low;
      point.ci_high = ci.high;
    }
    summary.cover_at_tau.push_back(point);
  }
  return summary;
}

// The central `level` interval of one statistic given per replicate.
Interval replicate_interval(std::vector<double> values, double level) {
  const double tail = (1.0 - level) / 2.0;
  Interval interval;
  interval.low = quantile(values, tail);
  interval.high = quantile(values, 1.0 - tail);
  return interval;
}

// Model m against the baseline b: crossover, Delta_SE and the pass@k
// differences with their paired bootstrap intervals, coverage.
Comparison compare_models(const std::vector<ModelInput>& models, size_t b, size_t m,
                          const std::vector<std::string>& shared, const std::vector<ModelColumns>& columns,
                          const CurveTable& t, const std::vector<int64_t>& ks, const AnalysisOptions& options) {
  const int64_t width = t.width;
  Comparison c;
  c.baseline = models[b].label;
  c.model = models[m].label;
  c.problems = t.problems;
  c.k_max = ks.back();
  std::vector<double> base_curve(t.estimate.begin() + t.pass_offset[b],
                                 t.estimate.begin() + t.pass_offset[b] + width);
  std::vector<double> model_curve(t.estimate.begin() + t.pass_offset[m],
                                  t.estimate.begin() + t.pass_offset[m] + width);
  c.crossover_k = crossover_k(ks, base_curve, model_curve);
  c.delta_se = delta_se(base_curve.back(), model_curve.front());
  c.delta_se_ci_low = c.delta_se_ci_high = c.delta_se;
  if (options.bootstrap > 0) {
    std::vector<double> gaps;
    for (int64_t r = 0; r < options.bootstrap; ++r)
      gaps.push_back(t.means[r * t.total_columns + t.pass_offset[b] + width - 1] -
                     t.means[r * t.total_columns + t.pass_offset[m]]);
    Interval ci = replicate_interval(std::move(gaps), options.ci_level);
    c.delta_se_ci_low = ci.low;
    c.delta_se_ci_high = ci.high;
  }
  // Both means of a replicate come from the same resample of problems, so
  // their difference is the paired bootstrap's replicate of the difference.
  for (int64_t j = 0; j < width; ++j) {
    const double d = model_curve[j] - base_curve[j];
    CurvePoint point{.k = ks[j], .value = d, .ci_low = d, .ci_high = d};
    if (options.bootstrap > 0) {
      std::vector<double> differences;
      differences.reserve(static_cast<size_t>(options.bootstrap));
      for (int64_t r = 0; r < options.bootstrap; ++r)
        differences.push_back(t.means[r * t.total_columns + t.pass_offset[m] + j] -
                              t.means[r * t.total_columns + t.pass_offset[b] + j]);
      Interval ci = replicate_interval(std::move(differences), options.ci_level);
      point.ci_low = ci.low;
      point.ci_high = ci.high;
    }
    c.pass_at_k_difference.push_back(point);
  }
  c.coverage = coverage(shared, columns[b].correct, columns[m].correct);
  return c;
}

}  // namespace

Analysis analyze_models(const std::vector<ModelInput>& models, const AnalysisOptions& asked) {
  const size_t base = check_request(models, asked);
  AnalysisOptions options = asked;  // cover@tau in ascending tau, each once
  std::sort(options.cover_taus.begin(), options.cover_taus.end());
  options.cover_taus.erase(std::unique(options.cover_taus.begin(), options.cover_taus.end()), options.cover_taus.end());
  Analysis analysis;
  analysis.baseline = models[base].label;
  analysis.bootstrap = options.bootstrap;
  analysis.seed = options.seed;
  analysis.ci_level = options.ci_level;
  analysis.maj_draws = options.maj_draws;
  analysis.cover_taus = options.cover_taus;

  const std::vector<std::string> shared = shared_problems(models, analysis);
  analysis.problems = static_cast<int64_t>(shared.size());
  const std::vector<ModelColumns> columns = model_columns(models, shared);
  analysis.ks = evaluated_ks(models, shared, columns, options.ks);
  const CurveTable table = curve_table(models, shared, columns, analysis.ks, options);

  for (size_t m = 0; m < models.size(); ++m) {
    analysis.models.push_back(summarise_model(models[m], columns[m], table, m, analysis.ks, options));
    if (table.maj_offset[m] < 0 && !models[m].samples.has_answers())
      analysis.notes.push_back(
          fmt::format("maj@k is not computed for model '{}': some of its samples carry no extracted answer field",
                      models[m].label));
  }
  for (size_t m = 0; m < models.size(); ++m)
    if (m != base)
      analysis.comparisons.push_back(
          compare_models(models, base, m, shared, columns, table, analysis.ks, options));

  for (const auto& m : models)
    for (const auto& [id, p] : m.samples.problems)
      analysis.per_problem[id][m.label] = {.n = p.n, .correct = p.correct};
  if (options.bootstrap == 0) analysis.notes.push_back("bootstrap is off (--bootstrap 0): intervals equal the estimates");
  return analysis;
}

Analysis analyze_files(const std::vector<std::pair<std::string, std::vector<std::filesystem::path>>>& models,
                       const data::ReadOptions& read, const AnalysisOptions& options) {
  using Clock = std::chrono::steady_clock;
  auto start = Clock::now();
  std::vector<ModelInput> inputs;
  for (const auto& [label, paths] : models) inputs.push_back({label, data::read_model_files(paths, read)});
  auto read_done = Clock::now();
  Analysis analysis = analyze_models(inputs, options);
  analysis.read_seconds = std::chrono::duration<double>(read_done - start).count();
  analysis.analysis_seconds = std::chrono::duration<double>(Clock::now() - read_done).count();
  return analysis;
}

}  // namespace rlvr::metrics
