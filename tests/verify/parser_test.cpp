// Parsing and extraction on hand-written inputs with known results.
#include <gtest/gtest.h>

#include "rlvr/verify/budget.h"
#include "rlvr/verify/exact.h"
#include "rlvr/verify/extract.h"
#include "rlvr/verify/latex_parser.h"

namespace rlvr::verify {
namespace {

std::string parsed(const std::string& s) {
  ParseResult r = parse_answer(s, ParseOptions{});
  return r.expr ? to_string(*r.expr) : "error: " + r.error;
}

mpq_class value(const std::string& s) {
  ParseResult r = parse_answer(s, ParseOptions{});
  EXPECT_TRUE(r.expr) << s << ": " << r.error;
  StepCounter steps(100000);
  auto v = exact_rational(*r.expr, Budget{}, steps);
  EXPECT_TRUE(v) << s;
  return v ? *v : mpq_class(-999);
}

TEST(Parser, NumbersAndArithmetic) {
  EXPECT_EQ(value("1,234,567"), 1234567);
  EXPECT_EQ(value("1 000"), 1000);
  EXPECT_EQ(value("0.25"), mpq_class(1, 4));
  EXPECT_EQ(value(".5"), mpq_class(1, 2));
  EXPECT_EQ(value("2.5e3"), 2500);
  EXPECT_EQ(value("\\frac{3}{4} + \\frac14"), 1);
  EXPECT_EQ(value("\\frac94"), mpq_class(9, 4));
  EXPECT_EQ(value("2^{-3}"), mpq_class(1, 8));
  EXPECT_EQ(value("-2^2"), -4);
  EXPECT_EQ(value("(-2)^2"), 4);
  EXPECT_EQ(value("2^3^2"), 512);  // right associative
  EXPECT_EQ(value("6 \\div 4"), mpq_class(3, 2));
  EXPECT_EQ(value("3 \\cdot 4 \\times 5"), 60);
  EXPECT_EQ(value("\\sqrt{\\frac{4}{9}}"), mpq_class(2, 3));
  EXPECT_EQ(value("\\sqrt[3]{27}"), 3);
  EXPECT_EQ(value("5!"), 120);
  EXPECT_EQ(value("\\binom{6}{3}"), 20);
  EXPECT_EQ(value("\\lfloor 7/2 \\rfloor"), 3);
  EXPECT_EQ(value("\\left| -4 \\right|"), 4);
  EXPECT_EQ(value("3\\frac{1}{2}"), mpq_class(7, 2));
  EXPECT_EQ(value("\\$1,000.50"), mpq_class(2001, 2));
}

TEST(Parser, StructuresKeepTheirKind) {
  EXPECT_EQ(parsed("[0, 1)"), "[0, 1)");
  EXPECT_EQ(parsed("(0, 1]"), "(0, 1]");
  EXPECT_EQ(parsed("(1, 2)"), "(1, 2)");
  EXPECT_EQ(parsed("\\{1, 2\\}"), "{1, 2}");
  EXPECT_EQ(parsed("1, 2"), "1, 2");
  EXPECT_EQ(parsed("\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}"), "[1, 2; 3, 4]");
  EXPECT_EQ(parsed("x \\le 5"), "x <= 5");
  EXPECT_EQ(parsed("x = 3"), "x = 3");
  EXPECT_EQ(parsed("\\text{Evelyn}"), "\"evelyn\"");
  EXPECT_EQ(parsed("f(x)"), "f(x)");
  EXPECT_EQ(parsed("\\sin x"), "sin(x)");
}

TEST(Parser, RejectsWhatItDoesNotSupport) {
  EXPECT_EQ(parsed("\\int_0^1 x dx").rfind("error:", 0), 0u);
  EXPECT_EQ(parsed("\\lim_{x \\to 0} x").rfind("error:", 0), 0u);
  EXPECT_EQ(parsed("\\sum_{k} k").rfind("error:", 0), 0u);  // a sum needs both bounds
  EXPECT_EQ(parsed("(1, 2").rfind("error:", 0), 0u);
  EXPECT_EQ(parsed("\\frac{1}").rfind("error:", 0), 0u);
}

TEST(Extract, PriorityOfRules) {
  auto get = [](const std::string& text) {
    auto e = extract_answer(text, {ExtractKind::Latex, ExtractKind::Expr});
    return e ? e->rule + ":" + e->answer : std::string("none");
  };
  EXPECT_EQ(get("so \\boxed{1} and later \\boxed{\\frac{1}{2}}."), "boxed:\\frac{1}{2}");
  EXPECT_EQ(get("\\boxed{-2} \\quad \\text{and} \\quad \\boxed{1}"), "boxed:\\{-2, 1\\}");
  EXPECT_EQ(get("I got \\boxed{5}. Final Answer: The final answer is $7$. I hope it is correct."), "final_answer:7");
  EXPECT_EQ(get("Answer: 12"), "answer:12");
  EXPECT_EQ(get("We have $x = 2$ and then $y = 3$"), "latex:y = 3");
  EXPECT_EQ(get("The roots are $x=2$ or $x=3$"), "latex:x=2, x=3");
  EXPECT_EQ(get("There are 3 cats and 4 dogs, 7 in total."), "last_number:7");
  EXPECT_EQ(get("1,234"), "whole:1234");
  EXPECT_EQ(get("nothing here"), "none");
  EXPECT_EQ(get("AZYUK2A"), "none");
}

TEST(Extract, NumbersAndGsm8kGold) {
  EXPECT_EQ(last_number("it costs 1,000.99 euros"), "1000.99");
  EXPECT_EQ(last_number("Soucis : 2,74 $"), "2.74");
  EXPECT_EQ(last_number("a ratio of 2/3."), "2/3");
  EXPECT_EQ(last_number("down to -5 degrees"), "-5");
  EXPECT_EQ(gsm8k_gold("She makes 18.\n#### 1,818"), "1818");
  EXPECT_FALSE(gsm8k_gold("no marker").has_value());
  EXPECT_EQ(last_boxed("\\boxed{a} then \\boxed{\\frac{1}{2}}"), "\\frac{1}{2}");
  EXPECT_EQ(last_boxed("\\boxed{unbalanced"), std::nullopt);
}

}  // namespace
}  // namespace rlvr::verify
