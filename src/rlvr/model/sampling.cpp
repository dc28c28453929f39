#include "rlvr/model/sampling.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "rlvr/util/seed.h"

namespace rlvr::model {

double uniform_draw(uint64_t row_seed, int64_t step) {
  uint64_t bits = derive_seed(row_seed, {static_cast<uint64_t>(step)});
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

TokenChoice choose_token(const float* logits, int vocab, const SamplingOptions& options,
                         uint64_t row_seed, int64_t step) {
  int best = 0;
  for (int i = 1; i < vocab; ++i)
    if (logits[i] > logits[best]) best = i;
  const double max = logits[best];
  double sum = 0;
  for (int i = 0; i < vocab; ++i) sum += std::exp(static_cast<double>(logits[i]) - max);
  const double log_z = max + std::log(sum);
  auto logprob = [&](int token) { return static_cast<double>(logits[token]) - log_z; };
  if (options.temperature <= 0) return {best, logprob(best)};

  thread_local std::vector<double> weight;
  thread_local std::vector<int> order;
  thread_local std::vector<char> kept;
  weight.resize(vocab);
  kept.assign(vocab, 1);
  double total = 0;
  for (int i = 0; i < vocab; ++i) {
    weight[i] = std::exp((static_cast<double>(logits[i]) - max) / options.temperature);
    total += weight[i];
  }
  const bool top_k = options.top_k > 0 && options.top_k < vocab;
  const bool top_p = options.top_p < 1.0;
  if (top_k || top_p) {
    order.resize(vocab);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return weight[a] > weight[b]; });
    int keep = top_k ? options.top_k : vocab;
    if (top_p) {
      double kept_total = 0;
      for (int r = 0; r < keep; ++r) kept_total += weight[order[r]];
      double cumulative = 0;
      for (int r = 0; r < keep; ++r) {
        cumulative += weight[order[r]];
        if (cumulative >= options.top_p * kept_total) {
          keep = r + 1;
          break;
        }
      }
    }
    std::fill(kept.begin(), kept.end(), 0);
    total = 0;
    for (int r = 0; r < keep; ++r) {
      kept[order[r]] = 1;
      total += weight[order[r]];
    }
  }
  const double target = uniform_draw(row_seed, step) * total;
  double cumulative = 0;
  int last = best;
  for (int i = 0; i < vocab; ++i) {
    if (!kept[i]) continue;
    cumulative += weight[i];
    last = i;
    if (cumulative > target) return {i, logprob(i)};
  }
  return {last, logprob(last)};
}

}  // namespace rlvr::model
