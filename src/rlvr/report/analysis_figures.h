// Pieces of an Analysis that more than one report draws: curves over k as
// line series, the pass@k / maj@k chart, the accuracy histogram and table
// cells for curve points. Shared by the single-analysis report and the study
// report so that both show the same numbers the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rlvr/metrics/analysis.h"
#include "rlvr/report/bar_chart.h"
#include "rlvr/report/html_page.h"
#include "rlvr/report/line_chart.h"

namespace rlvr::report {

// Whether a curve point carries an interval: anything but the untouched
// default (0, 0) beside a positive value, which means no bootstrap was run.
bool point_has_ci(const CurvePoint& p);

// A curve as a line series; the band is kept only when every point has one.
LineSeries curve_series(const std::string& label, const std::vector<CurvePoint>& curve);

const CurvePoint* point_at(const std::vector<CurvePoint>& curve, int64_t k);
const CurvePoint* last_point(const std::vector<CurvePoint>& curve);
const ModelSummary* find_model(const Analysis& a, const std::string& label);

// "0.612 [0.580, 0.641]", "0.612" without an interval, "n/a" without a point.
Cell curve_cell(const CurvePoint* p);

// A paired difference (model minus baseline) with a sign, "+0.130", and its
// interval as a second line; "n/a" without a point.
Cell difference_cell(const CurvePoint* d);

// Per comparison that has paired differences: model minus baseline at k = 1,
// at k_max and at the crossover k, each with its interval, and the verdict
// (metrics/findings.h). No rows when no comparison has them.
Table paired_differences_table(const Analysis& a);

// cover@tau of every model: a row per model, a column per tau, each value
// with its interval. Empty (no rows) when no model has cover@tau.
Table cover_table(const Analysis& a);

// cover@tau against tau on a linear axis, one series per model that has it,
// with its bootstrap band; no series when no model has cover@tau.
LineChart cover_chart(const Analysis& a);

// The k_max shared by all models' pass@k (or maj@k) curves; nullopt when they differ.
std::optional<int64_t> common_k_max(const Analysis& a, bool maj);

// pass@k (or maj@k) against k on a log2 axis, one series per model, the y
// axis starting at the tenth below the lowest curve, and (pass@k only) a
// dashed marker at each comparison's crossover k.
LineChart curve_chart(const Analysis& a, bool maj);

// The ten bin names of per-problem accuracy c/n: "[0, .1)" ... "[.9, 1]".
const std::vector<std::string>& accuracy_bins();

// Problems per bin of per-problem accuracy, one bar series per model.
BarChart accuracy_histogram_chart(const Analysis& a);

// Correct samples out of n of every model on every problem ("—" where a
// model has no samples of a problem).
Table per_problem_table(const Analysis& a);

}  // namespace rlvr::report
