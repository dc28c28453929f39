// The plain-language paragraph above a study's figures: for each model
// compared with the base model, does it expand the reasoning boundary (solve
// problems the base never samples correctly, higher pass@k at large k) or only
// sharpen it (higher pass@1, same or lower large-k ceiling)? Generated from
// the numbers so that the words can never disagree with the figures.
#pragma once

#include <string>
#include <vector>

#include "rlvr/metrics/analysis.h"

namespace rlvr::metrics {

enum class BoundaryVerdict {
  expands,        // higher at large k beyond the confidence bands, with new problems solved
  sharpens,       // higher pass@1, large-k ceiling not above the base's
  shrinks,        // lower at large k, and not higher at pass@1
  indistinct,     // differences within the confidence bands
};

struct ModelFinding {
  std::string model;
  BoundaryVerdict verdict = BoundaryVerdict::indistinct;
  std::string sentence;
};

std::vector<ModelFinding> describe_models(const Analysis& analysis);

// How many of the described models expand the boundary and how many only
// sharpen it, in one sentence.
std::string findings_summary(const std::vector<ModelFinding>& findings);

// One paragraph: a sentence per compared model and the summary.
std::string findings_paragraph(const Analysis& analysis);

const char* verdict_name(BoundaryVerdict verdict);

}  // namespace rlvr::metrics
