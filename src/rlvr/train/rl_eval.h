// pass@k as the unbiased estimator of Chen et al. (2021), in the stable
// product form: 1 when n - c < k, else 1 - prod_{i=n-c+1}^{n} (1 - k / i).
#pragma once

#include <cstdint>
#include <vector>

namespace rlvr::train {

double pass_at_k(int64_t n, int64_t c, int64_t k);

// The k reported for n samples: 1, 2, 4, ... up to n, and n itself.
std::vector<int64_t> reported_ks(int64_t n);

}  // namespace rlvr::train
