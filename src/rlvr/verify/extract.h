// Finding the answer inside a completion or a reference solution.
//
// Priority (the first rule that finds something wins):
//   latex: 1. the last \boxed{...} / \fbox{...} (brace-matched; boxes that
//             directly follow each other, "\boxed{1} and \boxed{2}", form a set)
//          2. the text after the last "final answer is"
//          3. the text after the last "answer:" / "answer is"
//          4. the last LaTeX math region: $$..$$, \[..\], $..$, \(..\)
//             (inline regions may not span lines)
//   expr:  5. the whole text, when it is one number or a short plain expression
//          6. the last number (thousands separators, decimal comma, a/b),
//             never one glued to letters before it ("AZYUK2A")
// The kinds to try are chosen per dataset; the default tries both in order.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rlvr::verify {

enum class ExtractKind { Latex, Expr };

struct Extracted {
  std::string answer;  // the answer text, ready for parse_answer
  std::string rule;    // which rule found it: boxed, final_answer, answer, latex, whole, last_number
};

std::optional<Extracted> extract_answer(std::string_view text, const std::vector<ExtractKind>& kinds);

// The content of the last \boxed{} / \fbox{} (no merging), if any.
std::optional<std::string> last_boxed(std::string_view text);

// GSM8K reference answers end with "#### 1,234": returns "1234".
std::optional<std::string> gsm8k_gold(std::string_view solution);

// The last number in plain text, normalised ("1,000.99" -> "1000.99",
// "2,74" -> "2.74"), or nullopt.
std::optional<std::string> last_number(std::string_view text);

// "latex" / "expr" -> ExtractKind; throws rlvr::Error naming the bad value.
ExtractKind parse_extract_kind(const std::string& name);

}  // namespace rlvr::verify
