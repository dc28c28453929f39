// A hand-built Analysis shaped like the reference study's MATH500 result
// (base catches up with RL near k = 16), used by the report tests.
#pragma once

#include <cmath>
#include <string>

#include "rlvr/metrics/analysis.h"

namespace rlvr::testing {

// pass@k rising from p1 towards `ceiling`, with a band of +-width.
inline std::vector<CurvePoint> curve(double p1, double ceiling, double rate, double width, int64_t k_max) {
  std::vector<CurvePoint> c;
  for (int64_t k = 1; k <= k_max; k *= 2) {
    double v = ceiling - (ceiling - p1) * std::pow(rate, std::log2(static_cast<double>(k)));
    c.push_back({k, v, std::max(0.0, v - width), std::min(1.0, v + width)});
  }
  return c;
}

// model minus base at each k, with a paired band of +-width.
inline std::vector<CurvePoint> difference(const std::vector<CurvePoint>& model, const std::vector<CurvePoint>& base,
                                          double width) {
  std::vector<CurvePoint> d;
  for (size_t j = 0; j < std::min(model.size(), base.size()); ++j) {
    double v = model[j].value - base[j].value;
    d.push_back({model[j].k, v, v - width, v + width});
  }
  return d;
}

// cover@tau at tau = .1, .3, .5, .7, .9 from the share at .1 falling by `step`.
inline std::vector<CoverPoint> cover(double at_01, double step) {
  std::vector<CoverPoint> c;
  for (int i = 0; i < 5; ++i) {
    double v = at_01 - step * i;
    c.push_back({0.1 + 0.2 * i, v, v - 0.04, v + 0.04});
  }
  return c;
}

inline ModelSummary summary(const std::string& label, int64_t problems, int64_t n_min, int64_t n_max,
                            std::vector<CurvePoint> pass_at_k, int64_t solved) {
  ModelSummary m;
  m.label = label;
  m.problems = problems;
  m.problems_analyzed = problems;
  m.n_min = n_min;
  m.n_max = n_max;
  m.pass_at_k = std::move(pass_at_k);
  m.solved = solved;
  return m;
}

inline Analysis sample_analysis(const std::string& odd_label = "grpo <v2> & \"kl\"") {
  Analysis a;
  ModelSummary base = summary("base", 500, 128, 128, curve(0.61, 0.965, 0.62, 0.03, 128), 482);
  base.accuracy_histogram = {40, 38, 35, 33, 36, 40, 45, 55, 70, 108};
  ModelSummary rl = summary("rl", 500, 128, 128, curve(0.78, 0.93, 0.55, 0.025, 128), 465);
  rl.accuracy_histogram = {48, 8, 6, 7, 9, 12, 18, 30, 62, 300};
  rl.maj_at_k = curve(0.78, 0.86, 0.5, 0.02, 64);
  base.maj_at_k = curve(0.61, 0.8, 0.7, 0.025, 64);
  ModelSummary odd = summary(odd_label, 500, 64, 128, curve(0.8, 0.92, 0.5, 0.03, 128), 460);
  odd.accuracy_histogram = {50, 5, 5, 6, 8, 10, 16, 28, 60, 312};
  a.models = {base, rl, odd};
  Comparison c;
  c.baseline = "base";
  c.model = "rl";
  c.problems = 500;
  c.crossover_k = 16;
  c.k_max = 128;
  c.delta_se = 0.965 - 0.78;
  c.pass_at_k_difference = difference(rl.pass_at_k, base.pass_at_k, 0.015);
  a.bootstrap = 1000;
  a.cover_taus = {0.1, 0.3, 0.5, 0.7, 0.9};
  a.models[0].cover_at_tau = cover(0.92, 0.12);
  a.models[1].cover_at_tau = cover(0.90, 0.05);
  // 455 both, 27 base only, 10 rl only (one with an id that needs escaping), 8 neither.
  for (int i = 0; i < 500; ++i) {
    std::string id = "test/algebra/" + std::to_string(1000 + i) + ".json";
    auto& cell = i < 455 ? c.coverage.both : i < 482 ? c.coverage.baseline_only
                 : i < 492 ? c.coverage.model_only : c.coverage.neither;
    cell.push_back(i == 490 ? "test/<odd> & \"id\"" : id);
  }
  a.comparisons = {c};
  a.per_problem["math/1"]["base"] = {128, 100};
  a.per_problem["math/1"]["rl"] = {128, 127};
  a.per_problem["math/4"]["base"] = {128, 3};
  a.per_problem["math/4"]["rl"] = {128, 0};
  a.notes = {"3 problems dropped: missing for model rl"};
  return a;
}

}  // namespace rlvr::testing
