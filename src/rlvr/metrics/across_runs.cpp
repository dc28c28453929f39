#include "rlvr/metrics/across_runs.h"

#include <cmath>

namespace rlvr::metrics {

double t_quantile_95(int df) {
  static const double table[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                 2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df < 1) return 0.0;
  if (df <= 30) return table[df - 1];
  const double z = 1.959964, n = df;
  return z + (z * z * z + z) / (4 * n) + (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * n * n);
}

RunSpread across_runs(const std::vector<double>& values) {
  RunSpread s;
  s.runs = static_cast<int>(values.size());
  if (values.empty()) return s;
  for (double v : values) s.mean += v;
  s.mean /= s.runs;
  if (s.runs < 2) {
    s.low = s.high = s.mean;
    return s;
  }
  double squares = 0;
  for (double v : values) squares += (v - s.mean) * (v - s.mean);
  s.sd = std::sqrt(squares / (s.runs - 1));
  double half = t_quantile_95(s.runs - 1) * s.sd / std::sqrt(static_cast<double>(s.runs));
  s.low = s.mean - half;
  s.high = s.mean + half;
  return s;
}

}  // namespace rlvr::metrics
