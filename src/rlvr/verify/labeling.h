// Labelling sample files with the verifier: what `rlvr verify` runs. Two
// formats, detected from the first row (the formats `rlvr analyze` reads):
//   flat samples: {"problem_id": ..., "completion": "...", ...} one per line;
//     golds come from a problem list; the output adds or overwrites
//     `answer`, `correct` and `reason`, keeping every other field.
//   reference-evaluation rows: {"idx": ..., "gt": "...", "code": [...], ...}
//     one problem per line with its gold in `gt`; `pred` (extracted answers)
//     and `score` (bools) are filled in, one per completion.
// Rows are checked in parallel; the output keeps the input order and is
// written atomically, so the same input gives the same file for any thread count.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "rlvr/verify/datasets.h"
#include "rlvr/verify/equivalence.h"

namespace rlvr::verify {

struct LabelOptions {
  CheckOptions check;
  int threads = 1;
};

struct LabelSummary {
  std::string format;  // "flat" or "reference"
  size_t rows = 0;
  size_t samples = 0;
  size_t correct = 0;
  size_t undecided = 0;
  std::map<std::string, size_t> reasons;
};

// `problems` may be empty for reference rows; flat samples need it. Throws
// InputError naming the file, line and field for malformed rows or unknown
// problem ids.
LabelSummary label_samples(const std::filesystem::path& samples, const std::filesystem::path& out,
                           const std::vector<Problem>& problems, const LabelOptions& options);

}  // namespace rlvr::verify
