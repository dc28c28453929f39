#include "rlvr/train/rl_eval.h"

#include "rlvr/util/error.h"

namespace rlvr::train {

double pass_at_k(int64_t n, int64_t c, int64_t k) {
  if (n < 1 || c < 0 || c > n || k < 1 || k > n) throw Error("pass_at_k: need 0 <= c <= n and 1 <= k <= n");
  if (n - c < k) return 1.0;
  double fail = 1.0;
  for (int64_t i = n - c + 1; i <= n; ++i) fail *= 1.0 - static_cast<double>(k) / static_cast<double>(i);
  return 1.0 - fail;
}

std::vector<int64_t> reported_ks(int64_t n) {
  std::vector<int64_t> ks;
  for (int64_t k = 1; k < n; k *= 2) ks.push_back(k);
  if (n >= 1) ks.push_back(n);
  return ks;
}

}  // namespace rlvr::train
