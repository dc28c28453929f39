#include "rlvr/metrics/bootstrap.h"

#include <algorithm>
#include <cmath>

#include "rlvr/data/parallel.h"
#include "rlvr/metrics/random.h"
#include "rlvr/util/seed.h"

namespace rlvr::metrics {

std::vector<double> bootstrap_means(std::span<const double> matrix, int64_t problems, int64_t columns,
                                    int64_t replicates, uint64_t seed, int threads) {
  std::vector<double> means(static_cast<size_t>(replicates * columns), 0.0);
  if (problems == 0) return means;
  data::parallel_for(replicates, threads, [&](int64_t b) {
    RandomStream random(derive_seed(seed, {0x626f6f74 /* "boot" */, static_cast<uint64_t>(b)}));
    double* sum = means.data() + b * columns;
    for (int64_t i = 0; i < problems; ++i) {
      const double* row = matrix.data() + static_cast<int64_t>(random.below(static_cast<uint64_t>(problems))) * columns;
      for (int64_t j = 0; j < columns; ++j) sum[j] += row[j];
    }
    for (int64_t j = 0; j < columns; ++j) sum[j] /= static_cast<double>(problems);
  });
  return means;
}

double quantile(std::vector<double>& values, double q) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  double h = q * static_cast<double>(values.size() - 1);
  auto lo = static_cast<size_t>(std::floor(h));
  size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

Interval percentile_interval(std::span<const double> means, int64_t columns, int64_t j, double level) {
  std::vector<double> column;
  int64_t replicates = static_cast<int64_t>(means.size()) / columns;
  column.reserve(static_cast<size_t>(replicates));
  for (int64_t b = 0; b < replicates; ++b) column.push_back(means[b * columns + j]);
  double tail = (1.0 - level) / 2.0;
  Interval interval;
  interval.low = quantile(column, tail);
  interval.high = quantile(column, 1.0 - tail);
  return interval;
}

}  // namespace rlvr::metrics
