// A hand-built study of two task families with base, grpo, rloo and a
// distilled model: pass@k curves, coverage, perplexities, training curves,
// and steps-valid counts for the first task only. Used by the study report tests.
#pragma once

#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "rlvr/report/study_report.h"
#include "sample_analysis.h"

namespace rlvr::testing {

// Coverage of `problems` ids "<task>/<i>": the first `both` solved by both,
// then `base_only`, then `model_only`, the rest by neither.
inline Coverage split_coverage(const std::string& task, int problems, int both, int base_only, int model_only) {
  Coverage c;
  for (int i = 0; i < problems; ++i) {
    std::string id = task + "/" + std::to_string(i);
    auto& cell = i < both ? c.both : i < both + base_only ? c.baseline_only
                 : i < both + base_only + model_only ? c.model_only : c.neither;
    cell.push_back(id);
  }
  return c;
}

inline ModelSummary model(const std::string& label, double p1, double ceiling, double rate,
                          std::array<int64_t, 10> histogram) {
  auto c = curve(p1, ceiling, rate, 0.03, 64);
  ModelSummary m = summary(label, 200, 64, 64, c, static_cast<int64_t>(std::llround(200 * c.back().value)));
  m.accuracy_histogram = histogram;
  return m;
}

inline double find_p1(const Analysis& a, const std::string& label) {
  for (const auto& m : a.models) if (m.label == label) return m.pass_at_k.front().value;
  return 0;
}

// Perplexities spread around `centre` (deterministic).
inline std::vector<double> perplexities(double centre, int n, int seed) {
  std::vector<double> v;
  for (int i = 0; i < n; ++i) v.push_back(centre * std::exp(0.2 * std::sin(i * 1.3 + seed) + 0.08 * std::cos(i * 0.7)));
  return v;
}

inline report::TaskStudy sample_task(const std::string& task, double shift, bool steps_valid,
                                     const std::string& rl_label = "grpo") {
  report::TaskStudy t;
  t.task = task;
  Analysis& a = t.analysis;
  a.models = {model("base", 0.30 + shift, 0.92, 0.70, {60, 20, 15, 12, 14, 15, 14, 14, 16, 20}),
              model(rl_label, 0.52 + shift, 0.84, 0.55, {70, 6, 5, 6, 7, 8, 10, 14, 24, 50}),
              model("rloo", 0.50 + shift, 0.85, 0.56, {68, 7, 6, 6, 8, 9, 10, 14, 22, 50}),
              model("distill", 0.45 + shift, 0.96, 0.62, {40, 18, 15, 14, 15, 16, 18, 20, 22, 22})};
  struct Spec { std::string model; std::optional<int64_t> crossover; int both, base_only, model_only; };
  for (const Spec& s : {Spec{rl_label, 16, 150, 20, 2}, Spec{"rloo", 32, 151, 19, 3}, Spec{"distill", std::nullopt, 160, 8, 25}}) {
    Comparison c;
    c.baseline = "base";
    c.model = s.model;
    c.problems = 200;
    c.crossover_k = s.crossover;
    c.k_max = 64;
    c.delta_se = a.models[0].pass_at_k.back().value - find_p1(a, s.model);
    if (s.model == "rloo") {  // one comparison with a paired-bootstrap interval
      c.delta_se_ci_low = c.delta_se - 0.04;
      c.delta_se_ci_high = c.delta_se + 0.05;
    }
    c.coverage = split_coverage(task, 200, s.both, s.base_only, s.model_only);
    for (const auto& m : a.models)
      if (m.label == s.model) c.pass_at_k_difference = difference(m.pass_at_k, a.models[0].pass_at_k, 0.02);
    a.comparisons.push_back(c);
  }
  a.baseline = "base";
  a.bootstrap = 1000;
  a.cover_taus = {0.1, 0.3, 0.5, 0.7, 0.9};
  for (size_t i = 0; i < a.models.size(); ++i)
    a.models[i].cover_at_tau = cover(0.86 + 0.02 * static_cast<double>(i), 0.18 - 0.03 * static_cast<double>(i));
  a.problems = 200;
  a.ks = {1, 2, 4, 8, 16, 32, 64};
  a.per_problem[task + "/0"]["base"] = {64, 10};
  a.per_problem[task + "/0"][rl_label] = {64, 60};
  a.notes = {"2 problems dropped: no samples from rloo"};
  if (steps_valid) {
    Analysis v = a;
    for (auto& m : v.models) {
      for (auto& p : m.pass_at_k) {
        p.value *= 0.8;
        p.ci_low *= 0.8;
        p.ci_high *= 0.8;
      }
    }
    t.steps_valid = v;
  }
  t.perplexity = {{"base", "base", perplexities(1.9, 120, 1)},
                  {"base", rl_label, perplexities(1.4, 120, 2)},
                  {"base", "rloo", perplexities(1.45, 120, 3)},
                  {"base", "distill", perplexities(2.6, 120, 4)},
                  {rl_label, rl_label, perplexities(1.2, 120, 5)},
                  {"rloo", "rloo", perplexities(1.25, 120, 6)}};
  for (const std::string& m : {rl_label, std::string("rloo")}) {
    report::TrainingCurve c{m, 64, {}};
    double pace = m == "rloo" ? 150.0 : 110.0;  // rloo learns more slowly
    for (int step = 0; step <= 400; step += 25) {
      double grow = 1 - std::exp(-step / pace);
      c.points.push_back({step, 0.30 + shift + 0.22 * grow, 0.92 - 0.07 * grow, 0.2 + 0.5 * grow});
    }
    t.training.push_back(c);
  }
  t.findings = "On " + task + ", " + rl_label + " and rloo raise pass@1 but fall below base from k = 16: "
               "they sharpen, not expand, the boundary. The distilled model is above base at every k and "
               "solves 25 problems base never solves.";
  t.finding_items = {rl_label + " sharpens without expanding on " + task + ".",
                     "rloo sharpens without expanding on " + task + "."};
  return t;
}

inline report::StudyReportInput sample_study() {
  report::StudyReportInput in;
  in.name = "two families";
  in.tasks = {sample_task("countdown", 0.0, true), sample_task("modeq", 0.08, false)};
  in.provenance_summary = "commit 0123abcd (clean)\nseed 7, 2 threads\nmachine: test host, Linux\ntotal 1 h 02 min";
  in.stage_seconds = {{"pretrain", 1800}, {"rl grpo", 900}, {"rl rloo", 880}, {"distill", 400},
                      {"sample", 220}, {"analyze", 4.5}, {"perplexity", 90}, {"report", 0.4}};
  return in;
}

}  // namespace rlvr::testing
