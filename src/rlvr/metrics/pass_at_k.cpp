#include "rlvr/metrics/pass_at_k.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <fmt/format.h>

#include "rlvr/util/error.h"
#include "rlvr/util/parallel.h"

namespace rlvr::metrics {

double pass_at_k(int64_t n, int64_t c, int64_t k) {
  if (n < 1 || c < 0 || c > n) throw Error(fmt::format("pass@k: invalid counts n = {}, c = {}", n, c));
  if (k < 1 || k > n) throw Error(fmt::format("pass@k: k = {} is outside 1..n = {}", k, n));
  if (c == 0) return 0.0;
  if (n - c < k) return 1.0;
  // C(n-c,k)/C(n,k) has two product forms; take the one with fewer factors:
  //   prod_{i=n-c+1}^{n} (1 - k/i)       (c factors)
  //   prod_{i=0}^{k-1} (1 - c/(n-i))     (k factors)
  // summed as logs. Every term is negative, so the sum only falls: once it is
  // below -40 the ratio is under 4e-18 and 1 - ratio rounds to 1.
  const bool by_correct = c <= k;
  const int64_t factors = by_correct ? c : k;
  const double step = static_cast<double>(by_correct ? k : c);
  const double top = static_cast<double>(by_correct ? n - c + 1 : n);
  double log_ratio = 0.0;
  for (int64_t t = 0; t < factors; ++t) {
    double i = by_correct ? top + static_cast<double>(t) : top - static_cast<double>(t);
    log_ratio += std::log1p(-step / i);
    if (log_ratio < -40.0) return 1.0;
  }
  return -std::expm1(log_ratio);
}

std::vector<int64_t> default_ks(int64_t n) {
  std::vector<int64_t> ks;
  for (int64_t k = 1; k <= n; k *= 2) ks.push_back(k);
  if (n >= 1 && ks.back() != n) ks.push_back(n);
  return ks;
}

std::vector<double> pass_at_k_matrix(std::span<const int64_t> n, std::span<const int64_t> c,
                                     std::span<const int64_t> ks, int threads) {
  // Rows depend only on (n, c), and runs rarely have more than a few thousand
  // distinct pairs: compute each pair's row once, then copy.
  const size_t width = ks.size();
  std::vector<std::pair<int64_t, int64_t>> pairs;
  pairs.reserve(n.size());
  for (size_t p = 0; p < n.size(); ++p) pairs.emplace_back(n[p], c[p]);
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  std::vector<double> rows(pairs.size() * width);
  parallel_for(static_cast<int64_t>(pairs.size()), threads, [&](int64_t r) {
    for (size_t j = 0; j < width; ++j)
      rows[static_cast<size_t>(r) * width + j] = pass_at_k(pairs[r].first, pairs[r].second, ks[j]);
  });
  std::vector<double> out(n.size() * width);
  for (size_t p = 0; p < n.size(); ++p) {
    size_t r = static_cast<size_t>(std::lower_bound(pairs.begin(), pairs.end(), std::pair{n[p], c[p]}) - pairs.begin());
    std::copy_n(rows.begin() + static_cast<std::ptrdiff_t>(r * width), width, out.begin() + static_cast<std::ptrdiff_t>(p * width));
  }
  return out;
}

}  // namespace rlvr::metrics
