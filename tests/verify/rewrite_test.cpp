// The answer rewritings used to build the verifier's robustness workloads.
#include <gtest/gtest.h>

#include "rlvr/verify/rewrite.h"

namespace rlvr::verify {
namespace {

TEST(Rewrite, FractionsBecomeSlashesRecursivelyAndMixedNumbersGetAPlus) {
  EXPECT_EQ(fractions_as_slashes("\\frac{1}{2}"), "(1)/(2)");
  EXPECT_EQ(fractions_as_slashes("\\frac{\\frac{a}{b}}{c}"), "((a)/(b))/(c)");
  EXPECT_EQ(fractions_as_slashes("3\\frac{1}{2}"), "3+(1)/(2)");
  EXPECT_EQ(fractions_as_slashes("x = \\frac{\\sqrt{3}}{2}"), "x = (\\sqrt{3})/(2)");
  EXPECT_EQ(fractions_as_slashes("\\frac{1}"), "\\frac{1}");  // unbalanced: left alone
  EXPECT_EQ(fractions_as_slashes("42"), "42");
}

}  // namespace
}  // namespace rlvr::verify
