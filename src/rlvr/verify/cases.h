// Checking files of (gold, pred) cases: what `rlvr check` runs. Each input
// line is a JSON object with `gold`, `pred` and optionally `extract` (list of
// "latex"/"expr"), `precision`, `strict`, `allow_set_relation_comp`,
// `drop_labels`, `answer_type` (Numerical, Expression, Equation, Interval, Tuple),
// `tolerance` (absolute, a number or a string such as "1e-1") and `expected`;
// each output line is the input plus `equivalent`, `reason`,
// `gold_norm`, `pred_norm` and `micros`.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "rlvr/verify/equivalence.h"

namespace rlvr::verify {

struct CaseSummary {
  size_t cases = 0;
  size_t with_expected = 0;
  size_t agreed = 0;                    // among cases with `expected`
  std::vector<size_t> disagreements;    // 1-based line numbers
  std::vector<std::string> out_lines;   // one JSON object per case
};

// Throws InputError naming the file, line and field for malformed rows.
CaseSummary check_cases(const std::filesystem::path& in, const CheckOptions& defaults);

// Options of one case row: defaults overridden by the row's own fields.
CheckOptions case_options(const std::string& file, long line, const void* json_row, const CheckOptions& defaults);

}  // namespace rlvr::verify
