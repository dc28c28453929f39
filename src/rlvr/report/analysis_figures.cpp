#include "rlvr/report/analysis_figures.h"

#include <algorithm>
#include <cmath>

#include "rlvr/metrics/findings.h"
#include "rlvr/report/text.h"

namespace rlvr::report {

bool point_has_ci(const CurvePoint& p) {
  return p.ci_low <= p.ci_high && !(p.ci_low == 0 && p.ci_high == 0 && p.value > 0);
}

LineSeries curve_series(const std::string& label, const std::vector<CurvePoint>& curve) {
  LineSeries s{label, {}};
  bool ci = !curve.empty() && std::all_of(curve.begin(), curve.end(), point_has_ci);
  for (const auto& p : curve) {
    LinePoint lp{static_cast<double>(p.k), p.value, std::nullopt, std::nullopt};
    if (ci) {
      lp.low = p.ci_low;
      lp.high = p.ci_high;
    }
    s.points.push_back(lp);
  }
  return s;
}

const CurvePoint* point_at(const std::vector<CurvePoint>& curve, int64_t k) {
  for (const auto& p : curve) if (p.k == k) return &p;
  return nullptr;
}

const CurvePoint* last_point(const std::vector<CurvePoint>& curve) {
  const CurvePoint* best = nullptr;
  for (const auto& p : curve) if (!best || p.k > best->k) best = &p;
  return best;
}

const ModelSummary* find_model(const Analysis& a, const std::string& label) {
  for (const auto& m : a.models) if (m.label == label) return &m;
  return nullptr;
}

Cell curve_cell(const CurvePoint* p) {
  if (!p) return text_cell("n/a");
  if (point_has_ci(*p)) return ci_cell(p->value, p->ci_low, p->ci_high, 3);
  return number_cell(p->value, 3);
}

namespace {
std::string signed_fixed(double value, int digits) {
  std::string text = format_fixed(value, digits);
  return std::isfinite(value) && value >= 0 ? "+" + text : text;
}
}  // namespace

Cell difference_cell(const CurvePoint* d) {
  if (!d) return text_cell("n/a");
  Cell c(signed_fixed(d->value, 3), true, "model minus baseline, with the paired bootstrap interval");
  c.detail = '[';  // built piecewise, as in stacked_ci_cell
  c.detail += signed_fixed(d->ci_low, 3);
  c.detail += ", ";
  c.detail += signed_fixed(d->ci_high, 3);
  c.detail += ']';
  return c;
}

Table paired_differences_table(const Analysis& a) {
  const std::vector<metrics::ModelFinding> findings = metrics::describe_models(a);
  auto k_max = common_k_max(a, false);
  const std::string at_k_max = k_max ? "pass@" + std::to_string(*k_max) : "pass@k_max";
  Table t;
  t.compact = true;
  t.caption = "Paired differences: model minus baseline, problems resampled jointly";
  t.header = {"Model", "Baseline", "\xCE\x94 pass@1", "\xCE\x94 " + at_k_max, "Crossover k",
              "\xCE\x94 at crossover k", "Verdict"};
  t.header_tooltips = {"", "", "the model's pass@1 minus the baseline's, with its paired bootstrap interval",
                       "the model's pass@k at the largest k minus the baseline's, with its paired bootstrap interval",
                       "first k from which the baseline's pass@k stays at or above the model's",
                       "the difference at the crossover k, with its paired bootstrap interval",
                       "what the paired intervals support"};
  for (const auto& f : findings) {
    Cell crossing = f.difference_at_crossover ? int_cell(f.difference_at_crossover->k)
                                              : Cell{"none", true, "the baseline stays below the model at every k"};
    Cell at_crossing = f.difference_at_crossover ? difference_cell(&*f.difference_at_crossover)
                                                 : Cell{"\xE2\x80\x94", true, "no crossover"};
    t.rows.push_back({text_cell(f.model), text_cell(f.baseline), difference_cell(&f.difference_at_1),
                      difference_cell(&f.difference_at_k_max), crossing, at_crossing, text_cell(f.verdict)});
  }
  return t;
}

Table cover_table(const Analysis& a) {
  Table t;
  t.compact = true;
  t.caption = "cover@tau: the share of problems whose accuracy c/n is at least tau";
  t.header = {"Model"};
  t.header_tooltips = {""};
  std::vector<double> taus;
  for (const auto& m : a.models)
    for (const auto& p : m.cover_at_tau)
      if (std::find(taus.begin(), taus.end(), p.tau) == taus.end()) taus.push_back(p.tau);
  std::sort(taus.begin(), taus.end());
  for (double tau : taus) {
    t.header.push_back("tau = " + format_number(tau));
    t.header_tooltips.push_back("share of problems solved by at least " + format_number(100 * tau) +
                                "% of their samples, with its bootstrap interval");
  }
  for (const auto& m : a.models) {
    if (m.cover_at_tau.empty()) continue;
    std::vector<Cell> row{text_cell(m.label)};
    for (double tau : taus) {
      auto p = std::find_if(m.cover_at_tau.begin(), m.cover_at_tau.end(),
                            [&](const CoverPoint& c) { return c.tau == tau; });
      if (p == m.cover_at_tau.end()) row.push_back(text_cell("n/a"));
      else if (p->ci_low < p->ci_high || a.bootstrap > 0) row.push_back(stacked_ci_cell(p->value, p->ci_low, p->ci_high, 3));
      else row.push_back(number_cell(p->value, 3));
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::optional<int64_t> common_k_max(const Analysis& a, bool maj) {
  std::optional<int64_t> k;
  for (const auto& m : a.models) {
    const CurvePoint* p = last_point(maj ? m.maj_at_k : m.pass_at_k);
    if (!p) continue;
    if (k && *k != p->k) return std::nullopt;
    k = p->k;
  }
  return k;
}

LineChart curve_chart(const Analysis& a, bool maj) {
  LineChart chart;
  chart.title = maj ? "maj@k by model" : "pass@k by model";
  chart.x_label = "k (samples per problem, log scale)";
  chart.y_label = maj ? "maj@k" : "pass@k";
  double lowest = 1;
  for (const auto& m : a.models) {
    const auto& curve = maj ? m.maj_at_k : m.pass_at_k;
    if (maj && curve.empty()) continue;
    chart.series.push_back(curve_series(m.label, curve));
    for (const auto& lp : chart.series.back().points) lowest = std::min(lowest, lp.low.value_or(lp.y));
  }
  // Start the axis at the tenth below the lowest curve: curves near the top
  // stay readable, and the axis labels say where it starts.
  chart.y_min = std::clamp(std::floor(lowest * 10 - 1e-9) / 10, 0.0, 0.9);
  if (!maj) {
    // One marker per baseline and k, naming every model it catches there, so
    // that many models crossing at the same k share one line and label.
    struct Crossing {
      std::string baseline;
      int64_t k;
      std::string models;
    };
    std::vector<Crossing> crossings;
    for (const auto& c : a.comparisons) {
      if (!c.crossover_k) continue;
      auto same = std::find_if(crossings.begin(), crossings.end(), [&](const Crossing& x) {
        return x.baseline == c.baseline && x.k == *c.crossover_k;
      });
      if (same == crossings.end()) crossings.push_back({c.baseline, *c.crossover_k, c.model});
      else same->models += ", " + c.model;
    }
    for (const auto& x : crossings)
      chart.x_markers.push_back({static_cast<double>(x.k),
                                 "from k = " + std::to_string(x.k) + ": " + x.baseline + " \xE2\x89\xA5 " + x.models});
  }
  return chart;
}

const std::vector<std::string>& accuracy_bins() {
  static const std::vector<std::string> kBins = {"[0, .1)",  "[.1, .2)", "[.2, .3)", "[.3, .4)",
                                                 "[.4, .5)", "[.5, .6)", "[.6, .7)", "[.7, .8)",
                                                 "[.8, .9)", "[.9, 1]"};
  return kBins;
}

LineChart cover_chart(const Analysis& a) {
  LineChart chart;
  chart.title = "cover@tau by model";
  chart.x_label = "tau (least accuracy c/n that counts a problem as covered)";
  chart.y_label = "cover@tau";
  chart.x_scale = XScale::linear;
  for (const auto& m : a.models) {
    if (m.cover_at_tau.empty()) continue;
    LineSeries s{m.label, {}};
    for (const CoverPoint& p : m.cover_at_tau) {
      LinePoint lp{p.tau, p.value, std::nullopt, std::nullopt};
      if (a.bootstrap > 0) {
        lp.low = p.ci_low;
        lp.high = p.ci_high;
      }
      s.points.push_back(lp);
    }
    chart.series.push_back(std::move(s));
  }
  return chart;
}

BarChart accuracy_histogram_chart(const Analysis& a) {
  BarChart chart;
  chart.title = "Per-problem accuracy";
  chart.x_label = "accuracy c/n of a problem";
  chart.y_label = "problems";
  chart.categories = accuracy_bins();
  for (const auto& m : a.models) {
    BarSeries s{m.label, {}};
    for (int64_t v : m.accuracy_histogram) s.values.push_back(static_cast<double>(v));
    chart.series.push_back(std::move(s));
  }
  return chart;
}

Table per_problem_table(const Analysis& a) {
  Table t;
  t.header = {"Problem"};
  for (const auto& m : a.models) t.header.push_back(m.label + " (correct / n)");
  for (const auto& [id, counts] : a.per_problem) {
    std::vector<Cell> row{text_cell(id)};
    for (const auto& m : a.models) {
      auto it = counts.find(m.label);
      if (it == counts.end()) {
        row.push_back({"\xE2\x80\x94", true, "no samples"});
      } else {
        row.push_back({std::to_string(it->second.correct) + " / " + std::to_string(it->second.n), true, ""});
      }
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace rlvr::report
