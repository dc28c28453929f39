// rlvr study: parses options and runs the study pipeline.
#include <fmt/format.h>

#include "cli/command.h"
#include "cli/lab_commands.h"
#include "rlvr/study/config.h"
#include "rlvr/study/pipeline.h"

namespace {

struct StudyArgs {
  std::string config = "configs/quick.toml";
  std::string out;
  std::string from;
  int threads = 0;
  int jobs = 0;
};

const rlvr::cli::Registration registration(
    "study", rlvr::cli::lab_description("study"),
    [](CLI::App& sub) {
      auto args = std::make_shared<StudyArgs>();
      sub.add_option("--config", args->config, "study config (TOML); see configs/")
          ->capture_default_str();
      sub.add_option("--out", args->out, "study folder: every stage's outputs, cached by their inputs")
          ->required();
      sub.add_option("--from", args->from,
                     "run this stage and every later one again: pretrain, rl, distill, sample, "
                     "verify, analyze, perplexity, report");
      sub.add_option("--threads", args->threads,
                     "threads per stage (0: the config's, else all cores divided among the jobs)");
      sub.add_option("--jobs", args->jobs, "stages run at once where independent (0: the config's study.jobs)");
      sub.callback([args] {
        rlvr::study::StudyConfig config = rlvr::study::load_study_config(args->config);
        rlvr::study::StudyOptions options{args->out, args->from, args->threads, args->jobs};
        rlvr::study::StudyOutcome outcome = rlvr::study::run_study(config, options);
        fmt::print("{}\n", outcome.headline);
        fmt::print("summary: {}\nreport: {}\n", outcome.summary.string(), outcome.report.string());
      });
    });

}  // namespace
