// Measures of the reasoning boundary between a baseline and another model,
// from their pass@k curves and per-problem counts.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rlvr/metrics/analysis.h"

namespace rlvr::metrics {

// The smallest evaluated k from which the baseline's pass@k stays at or
// above the model's for every larger evaluated k; nothing when the model is
// still ahead at the largest k. ks ascending; the curves are read at ks.
std::optional<int64_t> crossover_k(std::span<const int64_t> ks, std::span<const double> baseline,
                                   std::span<const double> model);

// Sampling efficiency gap: baseline pass@k_max minus model pass@1.
double delta_se(double baseline_pass_at_k_max, double model_pass_at_1);

// Which problems each model solves (at least one correct sample of its own
// n). ids, baseline_correct and model_correct are parallel arrays.
Coverage coverage(std::span<const std::string> ids, std::span<const int64_t> baseline_correct,
                  std::span<const int64_t> model_correct);

// Whether a problem's accuracy c/n is at least tau (what cover@tau counts).
// c/n is rounded once, like the decimal tau, so c/n equal to tau counts.
bool accuracy_at_least(int64_t n, int64_t correct, double tau);

// Per-problem accuracy c/n in ten bins [0,.1), ..., [.8,.9), [.9,1].
std::array<int64_t, 10> accuracy_histogram(std::span<const int64_t> n, std::span<const int64_t> correct);

}  // namespace rlvr::metrics
