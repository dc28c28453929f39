// rlvr verify: labels completions with the math answer verifier.
#include <cstdio>

#include "cli/command.h"
#include "cli/verify_code.h"
#include "rlvr/util/error.h"
#include "rlvr/util/files.h"
#include "rlvr/verify/labeling.h"

namespace rlvr::cli {
namespace {

struct VerifyArgs {
  std::string dataset;
  std::string problems;
  std::string format;
  std::string data_dir;
  std::string samples;
  std::string out;
  std::string percent = "strip";
  std::vector<std::string> extract;
  int threads = 1;
  int precision = 6;
  CodeVerifyArgs code;
  bool keep_labels = false;
};

const Registration registration(
    "verify",
    "Label completions right or wrong: math answers with the verifier, code by running it in a sandbox (output feeds rlvr analyze)",
    [](CLI::App& sub) {
      auto a = std::make_shared<VerifyArgs>();
      auto* dataset = sub.add_option("--dataset", a->dataset,
                                     "gold answers from a benchmark: gsm8k, math500, minerva_math, olympiadbench, aime24, amc23; "
                                     "code: humaneval, mbpp, mbpp_full");
      auto* problems = sub.add_option("--problems", a->problems, "gold answers from a problems file (see --format)");
      dataset->excludes(problems);
      sub.add_option("--format", a->format, "format of --problems: one of the dataset names (default math500)");
      sub.add_option("--data-dir", a->data_dir, "data folder holding benchmarks/NAME/test.jsonl (default: $RLVR_DATA_DIR, else the data/ folder shipped with rlvr)");
      sub.add_option("--samples", a->samples, "flat samples (problem_id, completion) or reference rows (idx, gt, code)")
          ->required();
      sub.add_option("--out", a->out, "labelled output (JSONL), written atomically")->required();
      auto* threads = sub.add_option("--threads", a->threads, "worker threads (code: default one per core)")->check(CLI::Range(1, 256));
      sub.add_option("--percent", a->percent, "percent policy: strip (28% = 28) or fraction (28% = 0.28)")
          ->check(CLI::IsMember({"strip", "fraction"}));
      sub.add_option("--precision", a->precision, "decimal places that count when an answer has a decimal point");
      sub.add_option("--extract", a->extract, "extraction kinds in order: latex, expr (default both)");
      sub.add_flag("--keep-labels", a->keep_labels, "a gold `BC = 6` does not accept `6` (only a bare name is dropped)");
      add_code_verify_options(sub, a->code);
      sub.callback([a, threads] {
        if (is_code_verify(a->dataset, a->format)) {
          run_code_verify(a->code, a->dataset, a->problems, a->format, a->data_dir, a->samples, a->out,
                          threads->count() ? a->threads : 0);
          return;
        }
        std::vector<verify::Problem> golds;
        if (!a->dataset.empty()) {
          std::filesystem::path dir = a->data_dir.empty() ? find_data_dir() : std::filesystem::path(a->data_dir);
          golds = verify::load_dataset(a->dataset, dir);
        } else if (!a->problems.empty()) {
          golds = verify::load_problems_file(a->problems, a->format.empty() ? "math500" : a->format);
        }
        verify::LabelOptions options;
        options.threads = a->threads;
        options.check.precision = a->precision;
        options.check.drop_labels = !a->keep_labels;
        options.check.percent = a->percent == "fraction" ? verify::PercentPolicy::Fraction : verify::PercentPolicy::Strip;
        if (!a->extract.empty()) {
          options.check.extract.clear();
          for (const auto& k : a->extract) options.check.extract.push_back(verify::parse_extract_kind(k));
        }
        verify::LabelSummary s = verify::label_samples(a->samples, a->out, golds, options);
        std::printf("%s: %zu rows, %zu samples, %zu correct (%.1f%%), %zu undecided -> %s\n", s.format.c_str(), s.rows,
                    s.samples, s.correct, s.samples ? 100.0 * static_cast<double>(s.correct) / static_cast<double>(s.samples) : 0.0,
                    s.undecided, a->out.c_str());
        for (const auto& [reason, count] : s.reasons) std::printf("  %-12s %zu\n", reason.c_str(), count);
      });
    });

}  // namespace
}  // namespace rlvr::cli
