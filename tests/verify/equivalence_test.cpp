// Hand-written pairs: what must be equivalent, and near misses that must not be.
#include <gtest/gtest.h>

#include "rlvr/verify/equivalence.h"

namespace rlvr::verify {
namespace {

struct Pair {
  const char* gold;
  const char* pred;
};

Verdict judge(const Pair& p, const CheckOptions& options = {}) { return compare_answers(p.gold, p.pred, options); }

TEST(Equivalence, AcceptsEqualValuesInOtherForms) {
  const Pair pairs[] = {
      {"\\frac{1}{2}", "0.5"},
      {"\\frac{3}{4}", "3/4"},
      {"\\dfrac{3}{4}", "\\tfrac34"},
      {"1,000,000", "1000000"},
      {"2\\sqrt{3}", "\\sqrt{12}"},
      {"\\frac{\\sqrt{3}}{2}", "\\sqrt{3}/2"},
      {"\\frac{\\pi}{2}", "\\pi/2"},
      {"10!", "3628800"},
      {"\\binom{5}{2}", "10"},
      {"2^{10}", "1024"},
      {"\\sqrt[3]{-8}", "-2"},
      {"1.5 \\times 10^{3}", "1500"},
      {"3e2", "300"},
      {"x^2 + 2x + 1", "(x+1)^2"},
      {"\\frac{x+2}{7}", "\\frac{x}{7} + \\frac{2}{7}"},
      {"\\sin^2 x + \\cos^2 x", "1"},
      {"(1, 2)", "\\left(1, 2\\right)"},
      {"\\{1, 2, 3\\}", "\\{3, 2, 1\\}"},
      {"1, 2, 3", "3, 1, 2"},
      {"[0, 1)", "[0,1)"},
      {"(-\\infty, 2] \\cup (3, \\infty)", "(3, \\infty) \\cup (-\\infty, 2]"},
      {"x = 3", "3"},
      {"y = 2x + 1", "2x - y + 1 = 0"},
      {"x < 1", "1 > x"},
      {"\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}"},
      {"90^\\circ", "90"},
      {"5\\text{ cm}", "5"},
      {"\\text{(C)}", "C"},
      {"2\\frac{1}{2}", "\\frac{5}{2}"},
      {"1 \\pm \\sqrt{2}", "1+\\sqrt{2}, 1-\\sqrt{2}"},
      {"e^{i\\pi}", "-1"},
      {"\\log_2 8", "3"},
      {"|{-3}|", "3"},
      {"\\frac{1}{2004!}", "\\frac{2005 \\cdot 2006}{2006!}"},
  };
  for (const auto& p : pairs) {
    Verdict v = judge(p);
    EXPECT_TRUE(v.equivalent) << p.gold << " vs " << p.pred << ": " << v.reason << " " << v.detail << " [" << v.gold_norm
                              << " | " << v.pred_norm << "]";
  }
}

TEST(Equivalence, RejectsNearMisses) {
  const Pair pairs[] = {
      {"\\frac{1}{2}", "\\frac{1}{3}"},
      {"\\frac{1}{2004!}", "\\frac{1}{2006!}"},
      {"2004!", "2006!"},
      {"-5", "5"},
      {"x = 3", "x = -3"},
      {"(1, 2)", "(2, 1)"},
      {"(3, 1)", "\\{1, 3\\}"},
      {"[0, 1)", "(0, 1)"},
      {"[0, 1)", "[0, 1]"},
      {"(-\\infty, 2]", "(-\\infty, 2)"},
      {"\\{1, 2, 3\\}", "\\{1, 2\\}"},
      {"1, 2, 3", "1, 2"},
      {"1 \\pm \\sqrt{2}", "1 + \\sqrt{2}"},
      {"\\sqrt{2}", "1.41"},
      {"\\pi", "3.14"},
      {"x < 1", "x \\le 1"},
      {"x < 1", "x > 1"},
      {"x^2 + 2x + 1", "(x-1)^2"},
      {"2x + 1", "2y + 1"},
      {"\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\begin{pmatrix} 1 & 3 \\\\ 2 & 4 \\end{pmatrix}"},
      {"\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}", "\\begin{pmatrix} 1 & 2 \\end{pmatrix}"},
      {"1000", "1000.01"},
      {"1000000", "1000001"},
      {"\\text{Evelyn}", "\\text{Briana}"},
      {"0.5", "50"},
      {"50\\%", "0.5"},
      {"2", "\\frac{1+\\sqrt{5}}{2}"},
      {"a + 3z = 0", "0"},
      {"7 = 11a + c", "11a + c"},
      {"10^{100}", "10^{100} + 1"},
      {"x^{1000000}", "x^{1000001}"},
      {"2^{3000}\\sqrt{2}", "2^{3001}\\sqrt{2}"},
      {"\\infty", "-\\infty"},
      {"5", "\\frac{5}{0}"},
      {"0", "AZYUK"},
  };
  for (const auto& p : pairs) {
    Verdict v = judge(p);
    EXPECT_FALSE(v.equivalent) << p.gold << " vs " << p.pred << ": " << v.reason << " [" << v.gold_norm << " | "
                               << v.pred_norm << "]";
  }
}

TEST(Equivalence, PercentPolicies) {
  CheckOptions fraction;
  fraction.percent = PercentPolicy::Fraction;
  EXPECT_TRUE(judge({"28\\%", "28"}).equivalent);
  EXPECT_FALSE(judge({"28\\%", "0.28"}).equivalent);
  EXPECT_TRUE(judge({"28\\%", "0.28"}, fraction).equivalent);
  EXPECT_FALSE(judge({"28\\%", "28"}, fraction).equivalent);
}

TEST(Equivalence, PrecisionBoundsDecimalComparisons) {
  CheckOptions two;
  two.precision = 2;
  EXPECT_TRUE(judge({"\\frac{1}{3}", "0.333"}, two).equivalent);
  EXPECT_FALSE(judge({"\\frac{1}{3}", "0.333"}).equivalent);  // 6 places by default
  EXPECT_TRUE(judge({"\\frac{1}{3}", "0.3333333"}).equivalent);
}

TEST(Equivalence, StrictVariablesAndRenaming) {
  CheckOptions loose;
  loose.strict = false;
  EXPECT_FALSE(judge({"f(x)", "f(y)"}).equivalent);
  EXPECT_TRUE(judge({"f(x)", "f(y)"}, loose).equivalent);
  EXPECT_FALSE(judge({"x + 1", "y + 2"}, loose).equivalent);
}

TEST(Equivalence, SetRelationAsymmetry) {
  CheckOptions allow;
  allow.allow_set_relation = true;
  EXPECT_TRUE(judge({"-2 \\le x \\le 7", "x \\in [-2, 7]"}).equivalent);
  EXPECT_FALSE(judge({"x \\in [-2, 7]", "-2 \\le x \\le 7"}).equivalent);
  EXPECT_TRUE(judge({"x \\in [-2, 7]", "-2 \\le x \\le 7"}, allow).equivalent);
  EXPECT_FALSE(judge({"-2 \\le x \\le 7", "x \\in (-2, 7]"}).equivalent);
}

TEST(Equivalence, VerdictsCarryReasonsAndNormalForms) {
  Verdict exact = judge({"\\frac{2}{4}", "1/2"});
  EXPECT_EQ(exact.reason, "exact");
  EXPECT_EQ(exact.gold_norm, exact.pred_norm.empty() ? "" : exact.gold_norm);
  EXPECT_FALSE(exact.gold_norm.empty());
  EXPECT_EQ(judge({"x^2-1", "(x-1)(x+1)"}).reason, "symbolic");
  EXPECT_EQ(judge({"\\tan^2 y + 1", "\\sec^2 y"}).reason, "numeric");
  EXPECT_EQ(judge({"3", "3"}).reason, "string");
  Verdict unparsable = judge({"3", "\\int_0^1 x dx"});
  EXPECT_FALSE(unparsable.equivalent);
  EXPECT_EQ(unparsable.reason, "parse_error");
  Verdict none = check("3", "I do not know.", CheckOptions{});
  EXPECT_FALSE(none.equivalent);
  EXPECT_EQ(none.reason, "no_answer");
}

}  // namespace
}  // namespace rlvr::verify

#include "rlvr/verify/grouping.h"

namespace rlvr::verify {
namespace {

TEST(Grouping, EquivalentAnswersShareAClass) {
  std::vector<std::string> answers = {"\\frac{1}{2}", "0.5", "2", "1/2", "", "x+1", "1+x", "\\frac{4}{2}", "\\int x"};
  auto ids = equivalence_classes(answers, CheckOptions{});
  ASSERT_EQ(ids.size(), answers.size());
  EXPECT_EQ(ids[0], 0);
  EXPECT_EQ(ids[1], 0);
  EXPECT_EQ(ids[2], 1);
  EXPECT_EQ(ids[3], 0);
  EXPECT_EQ(ids[4], -1);
  EXPECT_EQ(ids[5], 2);
  EXPECT_EQ(ids[6], 2);
  EXPECT_EQ(ids[7], 1);
  EXPECT_EQ(ids[8], 3);
}

}  // namespace
}  // namespace rlvr::verify

namespace rlvr::verify {
namespace {

// Whole completions as a model writes them, judged like a careful grader.
TEST(Equivalence, CompletionsJudgedLikeAGrader) {
  struct Case {
    const char* gold;
    const char* completion;
    bool expected;
  };
  const Case cases[] = {
      {"2, 3", "The solutions are $x=2$ or $x=3$.", true},
      {"2, 3", "The solutions are $x=2$ or $x=4$.", false},
      {"(2,3)", "So $a=2, b=3$.", true},
      {"2, 3", "$x=2 \\text{ or } x=3$", true},
      {"\\{2,3\\}", "\\boxed{2, 3}", true},
      {"2x+3", "\\boxed{y = 2x + 3}", true},
      {"\\frac{\\sqrt{3}}{3}", "\\boxed{\\frac{1}{\\sqrt{3}}}", true},
      {"3+4i", "\\boxed{4i+3}", true},
      {"3+4i", "\\boxed{3-4i}", false},
      {"\\frac{3}{2}\\pi", "\\boxed{1.5\\pi}", true},
      {"10", "\\boxed{10\\text{ inches}^2}", true},
      {"\\text{(B)}", "\\boxed{\\textbf{(B)}}", true},
      {"\\text{(B)}", "\\boxed{B}", true},
      {"\\text{(B)}", "\\boxed{C}", false},
      {"30^\\circ", "\\boxed{30^{\\circ}}", true},
      {"\\frac{1}{2}", "\\(\\boxed{\\dfrac12}\\)", true},
      {"\\sqrt{2}/2", "\\boxed{\\frac{\\sqrt2}{2}}", true},
      {"(-\\infty,-2)\\cup(2,\\infty)", "\\boxed{(-\\infty, -2) \\cup (2, \\infty)}", true},
      {"(-\\infty,-2)\\cup(2,\\infty)", "\\boxed{(-\\infty, -2] \\cup [2, \\infty)}", false},
      {"x^2+7x+10", "\\boxed{(x+2)(x+5)}", true},
      {"x^2+7x+10", "\\boxed{(x+2)(x+4)}", false},
      {"18", "\\boxed{\\$18.00}", true},
      {"0.5", "\\boxed{\\frac{1}{2}}", true},
      {"5\\sqrt{2}", "\\boxed{\\sqrt{50}}", true},
      {"\\frac{5}{3}", "\\boxed{1.67}", false},
      {"\\frac{5}{3}", "\\boxed{1.666667}", true},
      {"6", "I think it's 5. No wait, 6.", true},
      {"6", "\\boxed{6} \\text{ ways}", true},
      {"\\dfrac{9}{7}", "The answer is $\\frac{9}{7}$", true},
      {"8", "\\boxed{2^3}", true},
      {"-\\frac{1}{2}", "\\boxed{-0.5}", true},
      {"\\frac{1}{2}", "\\boxed{-\\frac{1}{2}}", false},
      {"(1,-2)", "\\boxed{(1, -2)}", true},
      {"(1,-2)", "\\boxed{(-2, 1)}", false},
      {"\\pi", "\\boxed{180^\\circ}", false},
      {"1", "\\boxed{\\sin^2(30^\\circ)+\\cos^2(30^\\circ)}", true},
      {"2", "\\boxed{\\log_{3} 9}", true},
      {"k \\ge 2", "\\boxed{[2, \\infty)}", true},  // an inequality gold accepts its set
      {"[2, \\infty)", "\\boxed{k \\ge 2}", false},
      {"\\text{odd}", "\\boxed{\\text{Odd}}", true},
      {"\\text{odd}", "\\boxed{\\text{even}}", false},
      {"1000", "\\boxed{1,\\!000}", true},
      {"\\frac{a+b}{2}", "\\boxed{\\frac{b+a}{2}}", true},
      {"y=-\\frac{3}{2}x+3", "\\boxed{3x+2y=6}", true},
      {"y=-\\frac{3}{2}x+3", "\\boxed{3x+2y=5}", false},
      {"\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}", "\\boxed{\\begin{pmatrix}2\\\\-1\\end{pmatrix}}", true},
      {"\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}", "\\boxed{(2,-1)}", false},
  };
  for (const auto& c : cases) {
    Verdict v = check(c.gold, c.completion, CheckOptions{});
    EXPECT_EQ(v.equivalent, c.expected) << c.gold << " vs " << c.completion << ": " << v.reason << " [" << v.gold_norm
                                        << " | " << v.pred_norm << "]";
  }
}

}  // namespace
}  // namespace rlvr::verify

namespace rlvr::verify {
namespace {

TEST(Grouping, CanonicalKeysMatchForEquivalentAnswers) {
  EXPECT_EQ(canonical_answer_key("\\frac{1}{2}"), "q:1/2");
  EXPECT_EQ(canonical_answer_key("0.5"), "q:1/2");
  EXPECT_EQ(canonical_answer_key("x = \\frac{2}{4}"), "q:1/2");
  EXPECT_EQ(canonical_answer_key("2\\sqrt{3}"), canonical_answer_key("\\sqrt{12}"));
  EXPECT_EQ(canonical_answer_key("x + 1"), canonical_answer_key("1 + x"));
  EXPECT_NE(canonical_answer_key("x + 1"), canonical_answer_key("x + 2"));
  EXPECT_NE(canonical_answer_key("\\sqrt{2}"), canonical_answer_key("1.41421"));
  EXPECT_EQ(canonical_answer_key("(1, 2)"), canonical_answer_key("\\left(1,2\\right)"));
  EXPECT_EQ(canonical_answer_key("\\int x"), "text:\\intx");
  EXPECT_EQ(canonical_answer_key("5^{5^{5^5}}").rfind("text:", 0), 0u);
}

}  // namespace
}  // namespace rlvr::verify
