#include "rlvr/report/study_figures.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "rlvr/report/analysis_figures.h"

namespace rlvr::report {
namespace {

size_t order_of(const std::vector<std::string>& order, const std::string& label) {
  auto it = std::find(order.begin(), order.end(), label);
  return static_cast<size_t>(it - order.begin());  // unknown labels sort last
}

}  // namespace

LineChart steps_valid_chart(const Analysis& plain, const Analysis& steps_valid) {
  LineChart chart;
  chart.title = "pass@k (solid) and steps-valid pass@k (dashed)";
  chart.x_label = "k (samples per problem, log scale)";
  chart.y_label = "pass@k";
  double lowest = 1;
  // No bands: eight overlapping bands would hide the lines; the intervals
  // are in the markers' tooltips, the table beside the chart and the pass@k figure.
  auto add = [&](LineSeries s) {
    s.band = false;
    for (const auto& p : s.points) lowest = std::min(lowest, p.y);
    chart.series.push_back(std::move(s));
  };
  for (const auto& m : plain.models) {
    add(curve_series(m.label, m.pass_at_k));
    if (const ModelSummary* v = find_model(steps_valid, m.label)) {
      LineSeries s = curve_series(m.label + kStepsValidSuffix, v->pass_at_k);
      s.colour_key = m.label;
      s.dash = "7 4";
      add(std::move(s));
    }
  }
  // Models only in the steps-valid analysis still show.
  for (const auto& v : steps_valid.models) {
    if (find_model(plain, v.label)) continue;
    LineSeries s = curve_series(v.label + kStepsValidSuffix, v.pass_at_k);
    s.colour_key = v.label;
    s.dash = "7 4";
    add(std::move(s));
  }
  chart.y_min = std::clamp(std::floor(lowest * 10 - 1e-9) / 10, 0.0, 0.9);
  return chart;
}

std::string perplexity_label(const PerplexityGroup& group) {
  return "PPL_" + group.scorer + "(Y_" + group.responder + ")";
}

DistributionChart perplexity_chart(const std::vector<PerplexityGroup>& groups,
                                   const std::string& base_label,
                                   const std::vector<std::string>& model_order) {
  std::vector<const PerplexityGroup*> sorted;
  for (const auto& g : groups) sorted.push_back(&g);
  auto key = [&](const PerplexityGroup* g) {
    return std::tuple(g->scorer == base_label ? 0 : 1, order_of(model_order, g->responder),
                      order_of(model_order, g->scorer));
  };
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const PerplexityGroup* l, const PerplexityGroup* r) { return key(l) < key(r); });

  DistributionChart chart;
  chart.title = "Perplexity of each model's responses under a scoring model";
  chart.max_points = 1500;  // a study has many groups and tasks on one page
  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  for (const PerplexityGroup* g : sorted) {
    chart.groups.push_back({perplexity_label(*g), g->values, g->responder});
    for (double v : g->values) {
      if (std::isfinite(v) && v > 0) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
  }
  chart.log_y = std::isfinite(lo) && hi / lo > 10;
  chart.y_label = chart.log_y ? "perplexity (log scale)" : "perplexity";
  return chart;
}

LineChart training_chart(const std::vector<TrainingCurve>& curves, TrainingMeasure measure) {
  LineChart chart;
  chart.x_scale = XScale::linear;
  chart.x_label = "RL step";
  chart.height = 360;
  chart.y_min.reset();
  chart.y_max.reset();
  bool same_k = std::all_of(curves.begin(), curves.end(),
                            [&](const TrainingCurve& c) { return c.k == curves.front().k; });
  std::string k_name = !curves.empty() && same_k ? "pass@" + std::to_string(curves.front().k) : "pass@k";
  switch (measure) {
    case TrainingMeasure::pass_at_1:
      chart.title = "Held-out pass@1 over RL steps";
      chart.y_label = "pass@1";
      break;
    case TrainingMeasure::pass_at_k:
      chart.title = "Held-out " + k_name + " over RL steps";
      chart.y_label = k_name;
      break;
    case TrainingMeasure::reward:
      chart.title = "Mean training reward over RL steps";
      chart.y_label = "reward";
      break;
  }
  for (const auto& c : curves) {
    LineSeries s{c.model, {}};
    for (const auto& p : c.points) {
      double y = measure == TrainingMeasure::pass_at_1   ? p.pass_at_1
                 : measure == TrainingMeasure::pass_at_k ? p.pass_at_k
                                                         : p.reward;
      s.points.push_back({static_cast<double>(p.step), y, std::nullopt, std::nullopt});
    }
    chart.series.push_back(std::move(s));
  }
  return chart;
}

bool has_reward(const std::vector<TrainingCurve>& curves) {
  for (const auto& c : curves) {
    for (const auto& p : c.points) if (p.reward != 0) return true;
  }
  return false;
}

}  // namespace rlvr::report
