// rlvr demo: writes a synthetic base/RL pair of sample files and analyses it
// exactly as `rlvr analyze` would, to show what the instrument measures.
#include <filesystem>

#include <fmt/format.h>

#include "cli/analysis_output.h"
#include "cli/command.h"
#include "rlvr/metrics/analyze.h"
#include "rlvr/metrics/demo_samples.h"

namespace rlvr::cli {
namespace {

struct Options {
  std::string out;
  uint64_t seed = 0;
  int64_t problems = 500, samples = 256, bootstrap = 1000;
  int threads = 0;
};

void run(const Options& o) {
  std::filesystem::path out(o.out);
  metrics::DemoFiles files =
      metrics::write_demo_samples(out / "samples", {.problems = o.problems, .samples = o.samples, .seed = o.seed});
  fmt::print("wrote synthetic samples: {} and {}\n\n", files.base.string(), files.rl.string());
  metrics::AnalysisOptions options;
  options.bootstrap = o.bootstrap;
  options.seed = o.seed;
  options.threads = o.threads;
  Analysis analysis = metrics::analyze_files({{"base", {files.base}}, {"rl", {files.rl}}}, {}, options);
  write_analysis_outputs(analysis, out);
}

Registration registration{
    "demo", "generate a synthetic base vs RL example and analyse it (rlvr analyze on made-up samples)",
    [](CLI::App& sub) {
      auto o = std::make_shared<Options>();
      sub.add_option("--out", o->out, "folder for the samples (DIR/samples/) and the analysis")->required();
      sub.add_option("--seed", o->seed, "seed of the synthetic samples and the analysis")->capture_default_str();
      sub.add_option("--problems", o->problems, "synthetic problems")->capture_default_str()->check(CLI::Range(int64_t{1}, int64_t{1000000}));
      sub.add_option("--samples", o->samples, "samples per problem and model")->capture_default_str()->check(CLI::Range(int64_t{1}, int64_t{100000}));
      sub.add_option("--bootstrap", o->bootstrap, "bootstrap replicates")->capture_default_str();
      sub.add_option("--threads", o->threads, "threads (0: all cores)")->capture_default_str();
      sub.callback([o] { run(*o); });
    }};

}  // namespace
}  // namespace rlvr::cli
