// The unbiased pass@k estimator (Chen et al., 2021) for one problem with n
// samples of which c are correct:
//   pass@k = 1 - C(n-c, k) / C(n, k)
//          = 1 - prod_{i=n-c+1}^{n} (1 - k/i)      (1 when n - c < k)
//          = 1 - prod_{i=0}^{k-1} (1 - c/(n-i))
// using whichever product has fewer factors, summed in log space (log1p,
// then -expm1): accurate to rounding for any n (no huge binomials, no
// cancellation when the value is tiny), at most O(min(c, k)) work.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace rlvr::metrics {

// Requires 0 <= c <= n and 1 <= k <= n; throws rlvr::Error otherwise.
double pass_at_k(int64_t n, int64_t c, int64_t k);

// The k reported for n samples: powers of two up to n, and n itself when it
// is not one (1, 2, 4, 6 for n = 6). Empty for n < 1.
std::vector<int64_t> default_ks(int64_t n);

// Per-problem counts as two parallel arrays; returns the row-major matrix
// value[p * ks.size() + j] = pass@ks[j] of problem p (threads = 0: all cores).
std::vector<double> pass_at_k_matrix(std::span<const int64_t> n, std::span<const int64_t> c,
                                     std::span<const int64_t> ks, int threads = 0);

}  // namespace rlvr::metrics
