// Modular equations: the verifier on hand-computed searches.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "rlvr/tasks/task.h"

using namespace rlvr::tasks;

namespace {

const TaskFamily& modeq() { return family("modeq"); }
// 3x + 4 = 2 (mod 7): 2-4 = -2 = 5; 3*4 = 12 = 5, so x = 4.
Problem eq() { return {"h", "mod 7 3x+4=2\n", "4", 2}; }
const std::string kCareful = "2-4=5\n3*0=0\n3*1=3\n3*2=6\n3*3=2\n3*4=5\n#4\n";

TEST(ModEqVerify, HandComputedSearch) {
  EXPECT_EQ(modeq().solve(eq(), "careful", 1), kCareful);
  Verdict v = modeq().verify(eq(), kCareful);
  EXPECT_TRUE(v.correct);
  EXPECT_TRUE(v.steps_valid);
  EXPECT_EQ(v.answer, "4");
  EXPECT_EQ(modeq().solve(eq(), "teacher", 1),
            "2-4=5\n3*0=0\n3*1=3\n3*2=6\n3*3=2\n3*4=5\n3*4+4=2\n#4\n");
  EXPECT_TRUE(modeq().verify(eq(), modeq().solve(eq(), "teacher", 1)).steps_valid);
}

TEST(ModEqVerify, SignErrorIsTheBadFirstStep) {
  // c+b = 6; 3*2 = 6, so the sign error answers 2.
  std::string c = modeq().solve(eq(), "sign", 1);
  EXPECT_EQ(c, "2+4=6\n3*0=0\n3*1=3\n3*2=6\n#2\n");
  Verdict v = modeq().verify(eq(), c);
  EXPECT_FALSE(v.correct);
  EXPECT_EQ(v.first_bad_step, 1);
  // With b = 0 mod p the sign error lands on the right answer: right answer, bad step 1.
  Problem zero{"h", "mod 7 3x+14=5\n", "4", 2};
  v = modeq().verify(zero, modeq().solve(zero, "sign", 1));
  EXPECT_TRUE(v.correct);
  EXPECT_EQ(reason_text(v), "bad_step:1");
}

TEST(ModEqVerify, BadStepsAreFlagged) {
  // A skipped multiple, a wrong multiple, a search that runs past the match, a wrong check.
  EXPECT_EQ(modeq().verify(eq(), "2-4=5\n3*0=0\n3*2=6\n#4\n").first_bad_step, 3);
  EXPECT_EQ(modeq().verify(eq(), "2-4=5\n3*0=0\n3*1=3\n3*2=6\n3*3=5\n#3\n").first_bad_step, 5);
  EXPECT_EQ(modeq().verify(eq(), kCareful.substr(0, kCareful.size() - 3) + "3*5=1\n#4\n")
                .first_bad_step, 7);
  EXPECT_EQ(modeq().verify(eq(), kCareful.substr(0, kCareful.size() - 3) + "3*4+4=3\n#4\n")
                .first_bad_step, 7);
  // The answer must be the k that matched, written plainly in 0..p-1.
  EXPECT_EQ(modeq().verify(eq(), kCareful.substr(0, kCareful.size() - 3) + "#11\n").reason,
            VerdictReason::wrong_answer);
  EXPECT_FALSE(modeq().verify(eq(), kCareful.substr(0, kCareful.size() - 3) + "#04\n").correct);
  // Stopping before the match: the answer is not derived.
  EXPECT_EQ(modeq().verify(eq(), "2-4=5\n3*0=0\n#4\n").reason, VerdictReason::unsupported_answer);
}

TEST(ModEqSolve, SlipStopsEarlyAtAFalseMatch) {
  for (uint64_t i = 0; i < 300; ++i) {
    Problem p = modeq().generate(Split::test, i, 3, 2);
    std::string c = modeq().solve(p, "slip", i);
    Verdict v = modeq().verify(p, c);
    ASSERT_FALSE(v.correct) << p.prompt << c;
    ASSERT_GT(v.first_bad_step, 0) << p.prompt << c;
    // The slipped line is the last one before the answer, or stage 1 when x = 0.
    int lines = static_cast<int>(std::count(c.begin(), c.end(), '\n'));
    EXPECT_TRUE(v.first_bad_step == lines - 1 || (p.answer == "0" && v.first_bad_step == 1))
        << p.prompt << c;
  }
}

}  // namespace
