// A statistic measured once per independent run (a study per seed): its mean
// and a Student t-interval over the runs, the spread that training and the
// drawn problems add beside a bootstrap interval over one run's problems.
#pragma once

#include <vector>

namespace rlvr::metrics {

struct RunSpread {
  int runs = 0;
  double mean = 0;
  double sd = 0;    // sample standard deviation (n - 1)
  double low = 0;   // mean -/+ t(level, runs - 1) * sd / sqrt(runs); equal to the mean for one run
  double high = 0;
};

// The two-sided quantile of Student's t with `df` degrees of freedom at
// `level` 0.95 (1 - 0.025): exact to 3 decimals for df <= 30, a
// Cornish-Fisher expansion beyond.
double t_quantile_95(int df);

RunSpread across_runs(const std::vector<double>& values);

}  // namespace rlvr::metrics
