// Charts of a study that the single-analysis report does not have: pass@k
// next to steps-valid pass@k, perplexity cross-scoring and training curves.
// Internal to the report room (used by study_report.cpp).
#pragma once

#include <string>
#include <vector>

#include "rlvr/report/distribution_chart.h"
#include "rlvr/report/line_chart.h"
#include "rlvr/report/study_report.h"

namespace rlvr::report {

// Suffix of a steps-valid series label: "grpo" -> "grpo, steps valid".
inline constexpr const char* kStepsValidSuffix = ", steps valid";

// One chart: each model's plain pass@k as a solid line and its steps-valid
// pass@k ("<model>, steps valid") as a dashed line of the same colour and
// marker; no bands (eight would hide the lines), intervals in the tooltips.
LineChart steps_valid_chart(const Analysis& plain, const Analysis& steps_valid);

// "PPL_base(Y_grpo)".
std::string perplexity_label(const PerplexityGroup& group);

// The groups as box plots, ordered: scored by the base model first (its own
// responses, then the other models in `model_order`), then every other
// scorer. Coloured by responder; log y when the values span more than a
// factor of ten.
DistributionChart perplexity_chart(const std::vector<PerplexityGroup>& groups,
                                   const std::string& base_label,
                                   const std::vector<std::string>& model_order);

enum class TrainingMeasure { pass_at_1, pass_at_k, reward };

// One series per curve over training steps on a linear x axis, y fitted to the data.
LineChart training_chart(const std::vector<TrainingCurve>& curves, TrainingMeasure measure);

// Whether any curve has a non-zero reward (otherwise no reward chart is drawn).
bool has_reward(const std::vector<TrainingCurve>& curves);

}  // namespace rlvr::report
