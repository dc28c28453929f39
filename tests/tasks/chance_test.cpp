// What guessing the final answer alone scores, by hand per family, and the
// pass@k it gives.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "rlvr/tasks/chance.h"
#include "rlvr/tasks/corpus.h"
#include "rlvr/tasks/task.h"

using namespace rlvr::tasks;

namespace {

TEST(GuessChance, ModEqIsOneResidueInP) {
  const auto& f = family("modeq");
  EXPECT_DOUBLE_EQ(f.guess_chance(Problem{"h", "mod 7 3x+2=5\n", "1", 2}), 1.0 / 7);
  EXPECT_DOUBLE_EQ(f.guess_chance(Problem{"h", "mod 19 4x+0=8\n", "2", 5}), 1.0 / 19);
}

TEST(GuessChance, AdditionIsOneSumOfTheLengths) {
  const auto& f = family("addition");
  // Two 2-digit numbers sum to 20..198: 179 values.
  EXPECT_DOUBLE_EQ(f.guess_chance(Problem{"h", "add 95+87\n", "182", 1}), 1.0 / 179);
  // A 3-digit and a 1-digit number: 101..1008.
  EXPECT_DOUBLE_EQ(f.guess_chance(Problem{"h", "add 999+1\n", "1000", 1}), 1.0 / 908);
}

TEST(GuessChance, CountdownIsRandomPlayOverTheAllowedMoves) {
  const auto& f = family("countdown");
  // From 2 and 3 the allowed moves are 3+2, 3-2 and 3*2 (2-3 is not positive, neither
  // division is exact): one of three reaches each of 5, 1 and 6.
  EXPECT_DOUBLE_EQ(f.guess_chance(Problem{"h", "cd 2 3>5\n", "2+3", 1}), 1.0 / 3);
  EXPECT_DOUBLE_EQ(f.guess_chance(Problem{"h", "cd 2 3>1\n", "3-2", 1}), 1.0 / 3);
  EXPECT_DOUBLE_EQ(f.guess_chance(Problem{"h", "cd 2 3>7\n", "2+3", 1}), 0.0);
  // From 2 and 4: 4+2, 4-2, 4*2, 4/2; 2 is reached two ways.
  EXPECT_DOUBLE_EQ(f.guess_chance(Problem{"h", "cd 2 4>2\n", "4-2", 1}), 2.0 / 4);
  // Every generated problem has a solution, so random play reaches it sometimes.
  for (int d = f.min_difficulty(); d <= f.max_difficulty(); ++d) {
    for (const Problem& p : problem_set(f, Split::test, 5, d, 1)) {
      double chance = f.guess_chance(p);
      EXPECT_GT(chance, 0.0) << p.prompt;
      EXPECT_LT(chance, 1.0) << p.prompt;
    }
  }
}

TEST(ChancePassAtK, IsTheMeanOverProblemsOfOneMinusMissingKTimes) {
  const auto& f = family("modeq");
  std::vector<Problem> problems = {{"a", "mod 5 2x+1=3\n", "1", 1}, {"b", "mod 11 2x+1=3\n", "1", 3}};
  for (uint64_t k : {1, 2, 16, 256}) {
    double expected = ((1 - std::pow(4.0 / 5, k)) + (1 - std::pow(10.0 / 11, k))) / 2;
    EXPECT_NEAR(chance_pass_at_k(f, problems, k), expected, 1e-12) << k;
  }
  EXPECT_EQ(chance_pass_at_k(f, {}, 8), 0.0);
  // A tiny chance keeps its precision at large k: 1 - (1 - 1e-9)^1000 ~ 1e-6.
  const auto& addition = family("addition");
  std::vector<Problem> big = {{"c", "add 123456789012345678+123456789012345678\n", "246913578024691356", 5}};
  double chance = addition.guess_chance(big[0]);
  EXPECT_NEAR(chance_pass_at_k(addition, big, 1000) / (1000 * chance), 1.0, 1e-6);
}

}  // namespace
