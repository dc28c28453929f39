// What `rlvr analyze` and `rlvr demo` do with a finished Analysis: render the
// tables in memory, let the report room draw the charts and page, write the
// tables, print the terminal summary. Glue only; every piece is a library call.
#pragma once

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "rlvr/build_info.h"
#include "rlvr/metrics/analysis_files.h"
#include "rlvr/report/analysis_report.h"

namespace rlvr::cli {

inline void write_analysis_outputs(Analysis& analysis, const std::filesystem::path& out_dir) {
  analysis.program = std::string("rlvr " RLVR_VERSION " (") + RLVR_GIT_COMMIT + ")";
  auto files = metrics::render_analysis_files(analysis);
  report::write_analysis_report(analysis, out_dir);
  metrics::write_analysis_files(files, out_dir);
  fmt::print("{}\n", metrics::format_analysis_table(analysis));
  fmt::print("wrote summary.json, the CSV tables and charts into {}\n",
             out_dir.string());
  fmt::print("report: {}\n", (out_dir / "report.html").string());
  std::fflush(stdout);
}

}  // namespace rlvr::cli
