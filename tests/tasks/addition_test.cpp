// Addition's verifier and strategies on hand-computed columns.
#include <string>

#include <gtest/gtest.h>

#include "rlvr/tasks/task.h"

using namespace rlvr::tasks;

namespace {

const TaskFamily& addition() { return family("addition"); }
Problem sum() { return {"h", "add 478+256\n", "734", 2}; }

TEST(AdditionVerify, HandComputedColumns) {
  // 478 + 256: 8+6=14 (write 4, carry 1), 7+5+1=13 (3, carry 1), 4+2+1=7.
  const std::string careful = "8+6+0=14\n7+5+1=13\n4+2+1=7\n#734\n";
  EXPECT_EQ(addition().solve(sum(), "careful", 1), careful);
  Verdict v = addition().verify(sum(), careful);
  EXPECT_TRUE(v.correct);
  EXPECT_TRUE(v.steps_valid);
  EXPECT_EQ(v.reason, VerdictReason::ok);

  EXPECT_EQ(addition().solve(sum(), "teacher", 1),
            "8+6+0=14 4\n7+5+1=13 34\n4+2+1=7 734\n#734\n");
  EXPECT_TRUE(addition().verify(sum(), addition().solve(sum(), "teacher", 1)).steps_valid);

  // A forgotten carry in column 2: the characteristic error, flagged at line 2.
  v = addition().verify(sum(), "8+6+0=14\n7+5+0=12\n4+2+1=7\n#724\n");
  EXPECT_FALSE(v.correct);
  EXPECT_EQ(v.first_bad_step, 2);

  // Right answer, wrong reasoning: the carry is dropped and a slip puts it back.
  v = addition().verify(sum(), "8+6+0=14\n7+5+0=13\n4+2+1=7\n#734\n");
  EXPECT_TRUE(v.correct);
  EXPECT_FALSE(v.steps_valid);
  EXPECT_EQ(reason_text(v), "bad_step:2");

  // Wrong digits copied from the prompt, a missing column, an extra column, a bad partial.
  EXPECT_EQ(addition().verify(sum(), "8+5+0=13\n#734\n").first_bad_step, 1);
  EXPECT_EQ(addition().verify(sum(), "8+6+0=14\n7+5+1=13\n#734\n").reason, VerdictReason::unsupported_answer);
  EXPECT_EQ(addition().verify(sum(), careful.substr(0, careful.size() - 5) + "0+0+0=0\n#734\n")
                .first_bad_step, 4);
  EXPECT_EQ(addition().verify(sum(), "8+6+0=14 4\n7+5+1=13 43\n4+2+1=7 734\n#734\n")
                .first_bad_step, 2);
  // The answer must be what the lines spell, in digits only.
  EXPECT_FALSE(addition().verify(sum(), careful.substr(0, careful.size() - 5) + "#0734\n").correct);
  EXPECT_FALSE(addition().verify(sum(), "#734.0\n").correct);
}

TEST(AdditionVerify, FinalCarryBecomesTheLeadingDigit) {
  Problem p{"h", "add 95+87\n", "182", 1};
  Verdict v = addition().verify(p, "5+7+0=12\n9+8+1=18\n#182\n");
  EXPECT_TRUE(v.correct);
  EXPECT_TRUE(v.steps_valid);
  EXPECT_EQ(addition().solve(p, "careful", 0), "5+7+0=12\n9+8+1=18\n#182\n");
}

TEST(AdditionSolve, NocarryForgetsExactlyOneCarry) {
  Problem p{"h", "add 999+111\n", "1110", 2};
  for (uint64_t seed = 0; seed < 20; ++seed) {
    std::string c = addition().solve(p, "nocarry", seed);
    Verdict v = addition().verify(p, c);
    EXPECT_FALSE(v.correct) << c;
    EXPECT_GE(v.first_bad_step, 2) << c;
    // The flagged line has carry 0 where 1 was due.
    size_t line_start = 0;
    for (int k = 1; k < v.first_bad_step; ++k) line_start = c.find('\n', line_start) + 1;
    EXPECT_EQ(c.substr(line_start + 4, 1), "0") << c;
  }
  // Without any carry, nocarry is the careful procedure.
  Problem q{"h", "add 123+456\n", "579", 2};
  EXPECT_EQ(addition().solve(q, "nocarry", 3), addition().solve(q, "careful", 3));
}

TEST(AdditionSolve, CarrylessNeverWritesACarry) {
  Problem p{"h", "add 999+111\n", "1110", 2};
  std::string c = addition().solve(p, "carryless", 0);
  EXPECT_EQ(c, "9+1+0=10\n9+1+0=10\n9+1+0=10\n#1000\n");
  Verdict v = addition().verify(p, c);
  EXPECT_FALSE(v.correct);
  EXPECT_EQ(v.first_bad_step, 2);
  // Without any carry it is the careful procedure, so it is right exactly there.
  Problem q{"h", "add 123+456\n", "579", 2};
  EXPECT_EQ(addition().solve(q, "carryless", 3), addition().solve(q, "careful", 3));
  EXPECT_TRUE(addition().verify(q, addition().solve(q, "carryless", 3)).correct);
}

}  // namespace
