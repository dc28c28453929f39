// Labelling code completions by running them (what `rlvr verify` runs for
// humaneval, mbpp and mbpp_full). Two input formats, as for math answers:
//   flat samples: {"problem_id": ..., "completion": "...", ...} per line; the
//     output adds `correct`, `status`, `seconds`, `stderr_tail` and `sandbox`,
//     keeping every other field.
//   reference rows: {"idx": ..., "code": [...], ...} one problem per line;
//     `score` (bools), `status`, `seconds` and `stderr_tail` (one per
//     completion) and `sandbox` are filled in.
// Either output feeds `rlvr analyze` unchanged. Every row is checked before
// any program runs; the output keeps the input order and is written atomically.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "rlvr/code/judge.h"
#include "rlvr/code/problems.h"

namespace rlvr::code {

struct CodeLabelSummary {
  std::string format;     // "flat" or "reference"
  std::string isolation;  // sandbox::isolation_name
  size_t rows = 0;
  size_t samples = 0;
  size_t passed = 0;
  std::map<std::string, size_t> statuses;  // status text -> count
  double seconds = 0.0;                    // wall-clock time of all runs
};

// Throws InputError naming the file, line and field for malformed rows or
// unknown problem ids; rlvr::Error when the sandbox cannot be built.
CodeLabelSummary label_code_samples(const std::filesystem::path& samples, const std::filesystem::path& out,
                                    const std::vector<CodeProblem>& problems, const JudgeOptions& options);

}  // namespace rlvr::code
