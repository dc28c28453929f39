// The machine-readable outputs of `rlvr analyze` (docs/FORMATS.md):
// summary.json, pass_at_k.csv, per_problem.csv, coverage.csv, (when
// answers were given) maj_at_k.csv and (when tau were asked) cover_at_tau.csv.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "rlvr/metrics/analysis.h"

namespace rlvr::metrics {

// (file name, content) of every output, rendered in memory so that nothing
// is written unless all of it could be computed.
std::vector<std::pair<std::string, std::string>> render_analysis_files(const Analysis& analysis);

// Writes the rendered files into out_dir, each atomically.
void write_analysis_files(const std::vector<std::pair<std::string, std::string>>& files,
                          const std::filesystem::path& out_dir);

// The short table `rlvr analyze` prints: per model pass@1, pass@k_max,
// solved; per comparison crossover k, Delta_SE, coverage, the paired
// differences at k = 1 and k_max and the verdict.
std::string format_analysis_table(const Analysis& analysis);

}  // namespace rlvr::metrics
