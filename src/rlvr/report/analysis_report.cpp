// Placeholder until the report room lands: writes a bare page so that the
// analyze pipeline can be built and tested end to end meanwhile.
#include "rlvr/report/analysis_report.h"

#include "rlvr/util/files.h"

namespace rlvr::report {

void write_analysis_report(const Analysis& analysis, const std::filesystem::path& out_dir) {
  std::string html = "<!doctype html><title>rlvr report</title><p>models: ";
  for (const auto& m : analysis.models) html += m.label + " ";
  html += "</p>";
  write_file_atomically(out_dir / "report.html", html);
  write_file_atomically(out_dir / "pass_at_k.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
  write_file_atomically(out_dir / "accuracy_histogram.svg",
                        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
}

}  // namespace rlvr::report
