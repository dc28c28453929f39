#include "rlvr/metrics/bootstrap.h"

#include <algorithm>
#include <cmath>

#include "rlvr/metrics/random.h"
#include "rlvr/util/parallel.h"
#include "rlvr/util/seed.h"

namespace rlvr::metrics {

namespace {

// The distinct rows of one block of columns and, per problem, which one it has.
struct PooledBlock {
  int64_t offset = 0, width = 0;
  std::vector<int32_t> row_of;  // problem -> distinct row
  std::vector<double> rows;     // distinct rows, row-major
};

PooledBlock pool_block(std::span<const double> matrix, int64_t problems, int64_t columns, int64_t offset,
                       int64_t width) {
  auto row = [&](int64_t p) { return matrix.data() + p * columns + offset; };
  std::vector<int64_t> order(static_cast<size_t>(problems));
  for (int64_t p = 0; p < problems; ++p) order[p] = p;
  auto less = [&](int64_t a, int64_t b) {
    return std::lexicographical_compare(row(a), row(a) + width, row(b), row(b) + width);
  };
  std::stable_sort(order.begin(), order.end(), less);
  PooledBlock block{offset, width, std::vector<int32_t>(static_cast<size_t>(problems)), {}};
  int32_t distinct = -1;
  for (size_t i = 0; i < order.size(); ++i) {
    if (i == 0 || less(order[i - 1], order[i])) {
      ++distinct;
      block.rows.insert(block.rows.end(), row(order[i]), row(order[i]) + width);
    }
    block.row_of[static_cast<size_t>(order[i])] = distinct;
  }
  return block;
}

}  // namespace

std::vector<double> bootstrap_means(std::span<const double> matrix, int64_t problems, int64_t columns,
                                    int64_t replicates, uint64_t seed, int threads,
                                    std::span<const int64_t> block_widths) {
  std::vector<double> means(static_cast<size_t>(replicates * columns), 0.0);
  if (problems == 0 || columns == 0) return means;
  std::vector<PooledBlock> blocks;
  int64_t offset = 0;
  for (int64_t width : block_widths.empty() ? std::vector<int64_t>{columns}
                                            : std::vector<int64_t>(block_widths.begin(), block_widths.end())) {
    blocks.push_back(pool_block(matrix, problems, columns, offset, width));
    offset += width;
  }
  parallel_for(replicates, threads, [&](int64_t b) {
    RandomStream random(derive_seed(seed, {0x626f6f74 /* "boot" */, static_cast<uint64_t>(b)}));
    std::vector<uint32_t> drawn(static_cast<size_t>(problems));
    for (auto& d : drawn)
      d = problems <= INT32_MAX ? random.below32(static_cast<uint32_t>(problems))
                                : static_cast<uint32_t>(random.below(static_cast<uint64_t>(problems)));
    double* sum = means.data() + b * columns;
    std::vector<int64_t> weight;
    for (const auto& block : blocks) {
      const int64_t distinct = static_cast<int64_t>(block.rows.size()) / block.width;
      weight.assign(static_cast<size_t>(distinct), 0);
      for (uint32_t p : drawn) ++weight[block.row_of[p]];
      for (int64_t r = 0; r < distinct; ++r) {
        if (weight[r] == 0) continue;
        const double w = static_cast<double>(weight[r]);
        const double* row = block.rows.data() + r * block.width;
        for (int64_t j = 0; j < block.width; ++j) sum[block.offset + j] += w * row[j];
      }
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
