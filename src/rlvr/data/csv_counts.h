// The counts format as CSV: a header naming at least problem_id, n and
// correct (any order, extra columns ignored), then one row per problem.
// Fields may be double-quoted ("a,b" or "say ""hi""").
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "rlvr/data/model_samples.h"

namespace rlvr::data {

struct CountsProblem {
  std::string field, problem;
};

// Why (n, correct) cannot be one problem's counts, or nothing when it can.
std::optional<CountsProblem> check_counts(int64_t n, int64_t correct);

// Throws InputError naming file, line and column on bad input.
ModelSamples read_counts_csv(const std::filesystem::path& path, std::string_view text);

}  // namespace rlvr::data
