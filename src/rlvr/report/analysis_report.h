// Draws an Analysis: pass_at_k.svg, accuracy_histogram.svg and a
// self-contained report.html (no network), written atomically into a folder.
#pragma once

#include <filesystem>

#include "rlvr/metrics/analysis.h"

namespace rlvr::report {

void write_analysis_report(const Analysis& analysis, const std::filesystem::path& out_dir);

}  // namespace rlvr::report
