#include "rlvr/metrics/boundary.h"

#include <algorithm>

namespace rlvr::metrics {

std::optional<int64_t> crossover_k(std::span<const int64_t> ks, std::span<const double> baseline,
                                   std::span<const double> model) {
  std::optional<int64_t> from;
  // Walk down from the largest k while the baseline is at or above.
  for (size_t j = ks.size(); j-- > 0;) {
    if (baseline[j] >= model[j]) from = ks[j];
    else break;
  }
  return from;
}

double delta_se(double baseline_pass_at_k_max, double model_pass_at_1) {
  return baseline_pass_at_k_max - model_pass_at_1;
}

Coverage coverage(std::span<const std::string> ids, std::span<const int64_t> baseline_correct,
                  std::span<const int64_t> model_correct) {
  Coverage out;
  for (size_t p = 0; p < ids.size(); ++p) {
    bool b = baseline_correct[p] > 0, m = model_correct[p] > 0;
    (b && m ? out.both : b ? out.baseline_only : m ? out.model_only : out.neither).push_back(ids[p]);
  }
  return out;
}

bool accuracy_at_least(int64_t n, int64_t correct, double tau) {
  return n > 0 && static_cast<double>(correct) / static_cast<double>(n) >= tau;
}

std::array<int64_t, 10> accuracy_histogram(std::span<const int64_t> n, std::span<const int64_t> correct) {
  std::array<int64_t, 10> bins{};
  for (size_t p = 0; p < n.size(); ++p) ++bins[static_cast<size_t>(std::min<int64_t>(9, 10 * correct[p] / n[p]))];
  return bins;
}

}  // namespace rlvr::metrics
