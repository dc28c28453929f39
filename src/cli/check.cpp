// rlvr check --cases IN.jsonl --out OUT.jsonl: judges (gold, pred) pairs.
#include <cstdio>

#include "cli/command.h"
#include "rlvr/util/files.h"
#include "rlvr/verify/cases.h"

namespace rlvr::cli {
namespace {

struct CheckArgs {
  std::string cases;
  std::string out;
  std::string percent = "strip";
  int precision = 6;
  bool keep_labels = false;
};

const Registration registration(
    "check", "Judge (gold, pred) answer pairs from a JSONL file and report agreement with `expected`",
    [](CLI::App& sub) {
      auto args = std::make_shared<CheckArgs>();
      sub.add_option("--cases", args->cases, "JSONL with gold, pred and optional extract, precision, strict, allow_set_relation_comp, drop_labels, answer_type, tolerance, expected")->required();
      sub.add_option("--out", args->out, "JSONL output: each case plus equivalent, reason, gold_norm, pred_norm, micros")
          ->required();
      sub.add_option("--percent", args->percent, "percent policy: strip (28% = 28) or fraction (28% = 0.28)")
          ->check(CLI::IsMember({"strip", "fraction"}));
      sub.add_option("--precision", args->precision, "default decimal places when a row has no `precision`");
      sub.add_flag("--keep-labels", args->keep_labels,
                   "default for rows without `drop_labels`: a gold `BC = 6` does not accept `6` (only a bare name is dropped)");
      sub.callback([args] {
        verify::CheckOptions defaults;
        defaults.precision = args->precision;
        defaults.drop_labels = !args->keep_labels;
        defaults.percent = args->percent == "fraction" ? verify::PercentPolicy::Fraction : verify::PercentPolicy::Strip;
        verify::CaseSummary s = verify::check_cases(args->cases, defaults);
        std::string out;
        for (const auto& line : s.out_lines) out += line + "\n";
        write_file_atomically(args->out, out);
        std::printf("checked %zu cases -> %s\n", s.cases, args->out.c_str());
        if (s.with_expected > 0) {
          std::printf("agreement with `expected`: %zu/%zu (%.1f%%)\n", s.agreed, s.with_expected,
                      100.0 * static_cast<double>(s.agreed) / static_cast<double>(s.with_expected));
          for (size_t line : s.disagreements) std::printf("  disagrees: line %zu\n", line);
        }
      });
    });

}  // namespace
}  // namespace rlvr::cli
