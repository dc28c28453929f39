// Percentile bootstrap over problems. The per-problem values of every curve
// are one row-major matrix (problems x columns, all models side by side), so
// each replicate draws one resample of problems (paired across models) and
// averages the drawn rows. Replicate b uses its own stream derived from
// (seed, b): the same seed gives the same numbers at any thread count.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace rlvr::metrics {

// Means of `replicates` resamples: result[b * columns + j]. The columns come
// in blocks (e.g. one model's pass@k curve; empty: one block of all):
// problems with equal rows within a block are pooled, so a replicate costs
// one draw per problem plus (distinct rows x width) per block. pass@k rows
// depend only on (n, c), so this is usually far less than problems x width.
std::vector<double> bootstrap_means(std::span<const double> matrix, int64_t problems, int64_t columns,
                                    int64_t replicates, uint64_t seed, int threads = 0,
                                    std::span<const int64_t> block_widths = {});

// The q-quantile (0..1) of values, linearly interpolated between order
// statistics (numpy's default "linear" method). Sorts `values`.
double quantile(std::vector<double>& values, double q);

struct Interval {
  double low = 0.0, high = 0.0;
};

// The central `level` interval of column j of the replicate means.
Interval percentile_interval(std::span<const double> means, int64_t columns, int64_t j, double level = 0.95);

}  // namespace rlvr::metrics
