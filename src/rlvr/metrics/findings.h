// The plain-language verdicts of an analysis: for each model compared with
// the base model, what the paired bootstrap intervals of the differences
// (model minus base, problems resampled jointly) at k = 1 and at the largest
// k support, with the coverage counts. Generated from the numbers, and every
// sentence states the numbers it rests on, so that the words can never
// assert what the figures contradict.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rlvr/metrics/analysis.h"

namespace rlvr::metrics {

// What a model's differences against the base show; a verdict holds one or
// more (e.g. sharpens and narrows), in this order.
enum class VerdictKind {
  sharpens,                      // pass@1 difference interval above 0
  falls_at_pass_at_1,            // pass@1 difference interval below 0
  narrows,                       // pass@k_max difference interval below 0
  expands,                       // pass@k_max difference interval above 0, and problems only the model solves
  rises_without_new_problems,    // pass@k_max difference interval above 0, but no problem only the model solves
  no_significant_difference,     // every interval holds 0
  not_judged,                    // no bootstrap intervals: nothing can be called significant
};

// Why a verdict lacks a kind its numbers might suggest.
enum class VerdictReason {
  base_at_ceiling,               // the base's pass@k_max is at or near 1: expansion cannot be measured
  new_problems_not_significant,  // problems only the model solves, but its pass@k_max gain holds 0
};

// The base is at its ceiling when its pass@k_max interval starts at or above
// this, or when it solves every problem.
inline constexpr double kCeilingPassAtK = 0.99;

struct ModelFinding {
  std::string model, baseline;
  int64_t k_max = 0;
  double ci_level = 0.95;  // of the intervals below
  // Model minus base at k = 1, at k_max and at the crossover k (when there
  // is one), each with its paired interval (CurvePoint::value: the difference).
  CurvePoint difference_at_1, difference_at_k_max;
  std::optional<CurvePoint> difference_at_crossover;
  size_t model_only = 0, baseline_only = 0;  // coverage: problems only one of them solves
  std::vector<VerdictKind> kinds;            // never empty
  std::vector<VerdictReason> reasons;
  std::string verdict;   // the kinds in words, e.g. "sharpens and narrows"
  std::string sentence;  // the verdict with the numbers it rests on
};

// One finding per comparison that has paired differences at k = 1 and k_max.
std::vector<ModelFinding> describe_models(const Analysis& analysis);

// How many of the described models show each kind, in one sentence, naming a
// ceiling that keeps expansion from being measured.
std::string findings_summary(const std::vector<ModelFinding>& findings);

// One paragraph: a sentence per compared model and the summary.
std::string findings_paragraph(const Analysis& analysis);

// Names for machines (summary.json): "sharpens", "base_at_ceiling", ...
const char* verdict_kind_id(VerdictKind kind);
const char* verdict_reason_id(VerdictReason reason);

}  // namespace rlvr::metrics
