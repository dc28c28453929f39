// Countdown's verifier on hand-written completions: answers, steps, and the
// "right answer, wrong reasoning" case the CoT-pass@k critique is about.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rlvr/tasks/task.h"
#include "rlvr/util/error.h"

using namespace rlvr::tasks;

namespace {

TEST(CountdownVerify, HandComputedVerdicts) {
  const auto& f = family("countdown");
  Problem p{"h", "cd 2 3 4>20\n", "(2+3)*4", 2};
  Verdict v = f.verify(p, "2+3=5\n5*4=20\n#(2+3)*4\n");
  EXPECT_TRUE(v.correct);
  EXPECT_TRUE(v.steps_valid);
  EXPECT_EQ(v.reason, VerdictReason::ok);
  EXPECT_EQ(v.answer, "(2+3)*4");

  // A dead end first, then the solution: still valid.
  v = f.verify(p, "4*3=12\n12+2=14\nno\n3+2=5\n5*4=20\n#4*(3+2)\n");
  EXPECT_TRUE(v.correct);
  EXPECT_TRUE(v.steps_valid);

  // Right answer, wrong reasoning: an arithmetic slip in line 2 that lands on 20.
  v = f.verify(p, "2*3=6\n6*4=20\n#(2+3)*4\n");
  EXPECT_TRUE(v.correct);
  EXPECT_FALSE(v.steps_valid);
  EXPECT_EQ(reason_text(v), "bad_step:2");
  EXPECT_EQ(v.first_bad_step, 2);

  // Right answer after giving up: no derivation.
  v = f.verify(p, "2+3=5\n5+4=9\nno\n#(2+3)*4\n");
  EXPECT_TRUE(v.correct);
  EXPECT_FALSE(v.steps_valid);
  EXPECT_EQ(v.reason, VerdictReason::unsupported_answer);

  // Steps derive one value, the answer says another expression: not supported.
  v = f.verify(p, "2+4=6\n6*3=18\n#(2+3)*4\n");
  EXPECT_TRUE(v.correct);
  EXPECT_FALSE(v.steps_valid);

  // Using a number that is not available (4 used twice).
  v = f.verify(p, "4*4=16\n16+4=20\n#(2+3)*4\n");
  EXPECT_EQ(v.first_bad_step, 1);

  // Wrong answers: value off, a number left out, a number used twice, inexact division.
  EXPECT_EQ(f.verify(p, "#2*3*4\n").reason, VerdictReason::wrong_answer);
  EXPECT_FALSE(f.verify(p, "#4*5\n").correct);
  EXPECT_FALSE(f.verify(p, "#(2+3)*4+0*2\n").correct);
  EXPECT_FALSE(f.verify(p, "#(3/2)*4*...\n").correct);
  Problem q{"h2", "cd 6 4 5>15\n", "", 2};
  EXPECT_FALSE(f.verify(q, "#6/4*5*2/2\n").correct);
  EXPECT_TRUE(f.verify(q, "#6*5/(4-2)\n").correct == false);  // 2 is not a given number
  EXPECT_TRUE(f.verify(q, "#(6+4)+5\n").correct);
  EXPECT_TRUE(f.verify(q, "# 6 + 4 + 5 \n").correct);  // spaces are allowed in the answer

  // Subtraction must stay positive in steps; a '-' result of zero is a bad step.
  v = f.verify(p, "3-3=0\n#(2+3)*4\n");
  EXPECT_EQ(v.first_bad_step, 1);
  // "no" without an attempt is a bad step.
  EXPECT_EQ(f.verify(p, "no\n2+3=5\n5*4=20\n#(2+3)*4\n").first_bad_step, 1);
  // Steps after the answer line are ignored.
  EXPECT_TRUE(f.verify(p, "2+3=5\n5*4=20\n#(2+3)*4\n1+1=3\n").steps_valid);
}

TEST(CountdownSolve, CarefulFindsManyDifferentPathsAcrossSeeds) {
  const auto& f = family("countdown");
  Problem p = f.generate(Split::test, 3, 3, 1);
  std::set<std::string> answers;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    std::string c = f.solve(p, "careful", seed);
    ASSERT_TRUE(f.verify(p, c).steps_valid) << c;
    answers.insert(f.verify(p, c).answer);
  }
  EXPECT_GE(answers.size(), 2u) << p.prompt;
}

TEST(CountdownSolve, SlipClaimsTheTargetInItsLastStep) {
  const auto& f = family("countdown");
  for (uint64_t i = 0; i < 200; ++i) {
    Problem p = f.generate(Split::test, i, 2, 1);
    std::string c = f.solve(p, "slip", i);
    Verdict v = f.verify(p, c);
    EXPECT_FALSE(v.correct);
    ASSERT_GT(v.first_bad_step, 0) << c;
    // The flagged line is the last step, and it claims the target.
    std::vector<std::string> lines;
    for (size_t s = 0, e; s < c.size(); s = e + 1) lines.push_back(c.substr(s, (e = c.find('\n', s)) - s));
    ASSERT_EQ(v.first_bad_step, static_cast<int>(lines.size()) - 1) << c;
    std::string target = p.prompt.substr(p.prompt.find('>') + 1);
    target.pop_back();
    EXPECT_TRUE(lines[v.first_bad_step - 1].ends_with("=" + target)) << c;
  }
}

TEST(CountdownGenerate, DifficultySetsHowManyNumbers) {
  const auto& f = family("countdown");
  auto count_numbers = [](const std::string& prompt) {
    return std::count(prompt.begin(), prompt.begin() + prompt.find('>'), ' ');
  };
  EXPECT_EQ(count_numbers(f.generate(Split::train, 0, 1, 1).prompt), 3);
  EXPECT_EQ(count_numbers(f.generate(Split::train, 0, 3, 1).prompt), 4);
  EXPECT_EQ(count_numbers(f.generate(Split::train, 0, 5, 1).prompt), 5);
  Problem p = f.generate(Split::train, 0, 2, 1);
  EXPECT_TRUE(f.verify(p, "#" + p.answer + "\n").correct) << "gold answer must verify";
}

}  // namespace
