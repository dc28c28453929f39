// Fuzz target for the answer parser and the checker. The input is
// "<flags byte><gold>\n<pred>": both halves go through extraction, parsing
// and comparison. libFuzzer reports crashes and sanitizer findings; the
// -timeout option of scripts/fuzz.sh reports any check that runs long.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rlvr/verify/equivalence.h"
#include "rlvr/verify/grouping.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t flags = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t split = rest.find('\n');
  std::string gold(rest.substr(0, split));
  std::string pred(split == std::string_view::npos ? rest : rest.substr(split + 1));

  rlvr::verify::CheckOptions options;
  options.strict = (flags & 1) == 0;
  options.allow_set_relation = (flags & 2) != 0;
  options.percent = (flags & 4) ? rlvr::verify::PercentPolicy::Fraction : rlvr::verify::PercentPolicy::Strip;
  options.precision = (flags >> 4) & 7;
  if (flags & 8) options.extract = {rlvr::verify::ExtractKind::Expr};
  // The dataset options: labels kept and an absolute tolerance with the top bit; an
  // answer type chosen by the gold's length, so every type is reached.
  if (flags & 128) {
    options.drop_labels = false;
    options.tolerance = 0.1;
  }
  options.answer_type = static_cast<rlvr::verify::AnswerType>(gold.size() % 6);

  rlvr::verify::Verdict v = rlvr::verify::check(gold, pred, options);
  if (v.reason.empty()) __builtin_trap();  // every verdict names its reason
  rlvr::verify::compare_answers(gold, pred, options);
  rlvr::verify::compare_answers(pred, pred, options);
  rlvr::verify::equivalence_classes({gold, pred, gold}, options);
  return 0;
}
