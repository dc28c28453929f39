// Properties every task family must have: disjoint splits, determinism, a
// small alphabet, short traces, strategies that pass or fail the verifier as
// documented in docs/TASKS.md, and a verifier that survives any input.
#include <algorithm>
#include <map>
#include <set>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "rlvr/tasks/corpus.h"
#include "rlvr/tasks/task.h"
#include "rlvr/util/error.h"

using namespace rlvr::tasks;

namespace {

// What docs/TASKS.md promises about a strategy at the default difficulty.
enum class Steps { always_valid, never_valid, any };
struct Expectation {
  double min_correct;
  double max_correct;
  Steps steps;
};

const std::map<std::string, std::map<std::string, Expectation>>& expectations() {
  static const std::map<std::string, std::map<std::string, Expectation>> table = {
      {"countdown",
       {{"careful", {1.0, 1.0, Steps::always_valid}},
        {"teacher", {1.0, 1.0, Steps::always_valid}},
        {"greedy", {0.2, 0.7, Steps::always_valid}},
        {"slip", {0.0, 0.0, Steps::never_valid}},
        {"guess", {0.02, 0.3, Steps::never_valid}}}},
      {"addition",
       {{"careful", {1.0, 1.0, Steps::always_valid}},
        {"teacher", {1.0, 1.0, Steps::always_valid}},
        {"nocarry", {0.05, 0.4, Steps::any}},
        {"carryless", {0.05, 0.4, Steps::any}},
        {"slip", {0.0, 0.0, Steps::never_valid}},
        {"guess", {0.0, 0.3, Steps::never_valid}}}},
      {"modeq",
       {{"careful", {1.0, 1.0, Steps::always_valid}},
        {"teacher", {1.0, 1.0, Steps::always_valid}},
        {"sign", {0.0, 0.3, Steps::never_valid}},
        {"slip", {0.0, 0.0, Steps::never_valid}},
        {"guess", {0.02, 0.3, Steps::never_valid}}}},
  };
  return table;
}

class FamilyContract : public ::testing::TestWithParam<std::string> {
 protected:
  const TaskFamily& f() const { return family(GetParam()); }
};

TEST_P(FamilyContract, SplitsAreDisjointOverThousandsOfProblems) {
  std::set<std::string> train, test;
  for (int d = f().min_difficulty(); d <= f().max_difficulty(); ++d) {
    for (uint64_t seed : {1, 2}) {
      for (uint64_t i = 0; i < 600; ++i) {
        Problem a = f().generate(Split::train, i, d, seed);
        Problem b = f().generate(Split::test, i, d, seed);
        ASSERT_EQ(split_of(f(), a), Split::train) << a.prompt;
        ASSERT_EQ(split_of(f(), b), Split::test) << b.prompt;
        train.insert(f().canonical_form(a));
        test.insert(f().canonical_form(b));
      }
    }
  }
  EXPECT_GT(train.size(), 1000u);
  EXPECT_GT(test.size(), 500u);
  for (const auto& c : test) ASSERT_EQ(train.count(c), 0u) << "test problem in train: " << c;
}

TEST_P(FamilyContract, CorpusDrawsOnlyTrainProblems) {
  auto mix = default_base_mix(f());
  mix.min_difficulty = f().min_difficulty();
  mix.max_difficulty = f().max_difficulty();
  for (const Document& doc : corpus_documents(f(), mix, 2000, 7)) {
    Problem p{doc.problem_id, doc.prompt, "", doc.difficulty};
    ASSERT_EQ(split_of(f(), p), Split::train) << doc.prompt;
    ASSERT_NE(doc.problem_id.find("-train-"), std::string::npos);
  }
}

TEST_P(FamilyContract, GenerationAndTracesAreDeterministic) {
  int d = f().default_difficulty();
  for (uint64_t i = 0; i < 50; ++i) {
    Problem a = f().generate(Split::test, i, d, 11);
    Problem b = f().generate(Split::test, i, d, 11);
    EXPECT_EQ(a.prompt, b.prompt);
    EXPECT_EQ(a.answer, b.answer);
    EXPECT_EQ(a.id, b.id);
    for (const auto& s : f().strategies()) {
      EXPECT_EQ(f().solve(a, s.name, 5), f().solve(b, s.name, 5));
    }
  }
  // Another seed gives other problems.
  int same = 0;
  for (uint64_t i = 0; i < 50; ++i) {
    same += f().generate(Split::test, i, d, 11).prompt == f().generate(Split::test, i, d, 12).prompt;
  }
  EXPECT_LT(same, 10);
}

TEST_P(FamilyContract, IdsAreUniqueAndNameTheSplit) {
  std::set<std::string> ids;
  for (uint64_t i = 0; i < 200; ++i) {
    for (Split s : {Split::train, Split::test}) {
      Problem p = f().generate(s, i, f().default_difficulty(), 3);
      EXPECT_TRUE(ids.insert(p.id).second) << p.id;
      EXPECT_TRUE(p.id.starts_with(GetParam())) << p.id;
      std::string split_part = fmt::format("-{}-", split_name(s));
      EXPECT_NE(p.id.find(split_part), std::string::npos) << p.id;
      EXPECT_EQ(p.difficulty, f().default_difficulty());
      EXPECT_EQ(p.prompt.back(), '\n');
    }
  }
}

TEST_P(FamilyContract, EverythingUsesTheAlphabet) {
  const std::string chars = alphabet();
  auto check = [&](const std::string& text) {
    for (char c : text) ASSERT_NE(chars.find(c), std::string::npos) << "'" << c << "' in " << text;
  };
  for (int d = f().min_difficulty(); d <= f().max_difficulty(); ++d) {
    for (uint64_t i = 0; i < 100; ++i) {
      Problem p = f().generate(Split::train, i, d, 4);
      check(p.prompt);
      check(p.answer);
      for (const auto& s : f().strategies()) check(f().solve(p, s.name, i));
    }
  }
}

// Tiny models learn short traces: prompt + completion stays under 120 characters at the
// default difficulty (the quick preset) and under 250 at any difficulty.
TEST_P(FamilyContract, TracesAreShort) {
  for (int d = f().min_difficulty(); d <= f().max_difficulty(); ++d) {
    size_t limit = d <= f().default_difficulty() ? 120 : 250;
    size_t longest = 0;
    for (uint64_t i = 0; i < 1000; ++i) {
      Problem p = f().generate(Split::test, i, d, 9);
      for (const auto& s : f().strategies()) {
        std::string c = f().solve(p, s.name, i);
        longest = std::max(longest, p.prompt.size() + c.size());
        ASSERT_LE(p.prompt.size() + c.size(), limit)
            << s.name << " at difficulty " << d << ":\n" << p.prompt << c;
        ASSERT_EQ(c.back(), '\n');
        ASSERT_EQ(c[c.rfind('\n', c.size() - 2) + 1], '#') << "last line is not the answer: " << c;
      }
    }
    EXPECT_GT(longest, 0u);
  }
}

TEST_P(FamilyContract, StrategiesPassOrFailAsDocumented) {
  auto table = expectations().find(GetParam());
  ASSERT_NE(table, expectations().end()) << "no documented expectations for " << GetParam();
  int d = f().default_difficulty();
  const int n = 600;
  bool has_teacher = false;
  for (const auto& s : f().strategies()) {
    has_teacher |= s.teacher_only;
    auto e = table->second.find(s.name);
    ASSERT_NE(e, table->second.end()) << "no documented expectation for strategy " << s.name;
    int correct = 0;
    for (int i = 0; i < n; ++i) {
      Problem p = f().generate(Split::test, i, d, 21);
      Verdict v = f().verify(p, f().solve(p, s.name, i));
      correct += v.correct;
      EXPECT_TRUE(v.steps_checkable);
      if (v.correct) {
        std::string expected = v.steps_valid            ? "ok"
                               : v.first_bad_step > 0 ? "bad_step:" + std::to_string(v.first_bad_step)
                                                      : "unsupported_answer";
        EXPECT_EQ(reason_text(v), expected);
      } else {
        EXPECT_TRUE(v.reason == VerdictReason::wrong_answer || v.reason == VerdictReason::no_answer)
            << reason_text(v);
      }
      if (e->second.steps == Steps::always_valid) {
        ASSERT_TRUE(v.steps_valid) << s.name << ": " << p.prompt << f().solve(p, s.name, i);
      }
      if (e->second.steps == Steps::never_valid) {
        ASSERT_FALSE(v.steps_valid) << s.name << ": " << p.prompt << f().solve(p, s.name, i);
      }
    }
    double rate = static_cast<double>(correct) / n;
    EXPECT_GE(rate, e->second.min_correct) << s.name;
    EXPECT_LE(rate, e->second.max_correct) << s.name;
  }
  EXPECT_TRUE(has_teacher) << "every family needs a teacher-only strategy";
}

TEST_P(FamilyContract, BaseMixHasModerateShareOfRightTracesAndNoTeacher) {
  auto mix = default_base_mix(f());
  for (const auto& s : f().strategies()) {
    if (s.teacher_only) {
      EXPECT_EQ(mix.weights.count(s.name), 0u) << s.name;
    }
  }
  int correct = 0;
  const int n = 2000;
  for (const Document& doc : corpus_documents(f(), mix, n, 5)) {
    Problem p{doc.problem_id, doc.prompt, "", doc.difficulty};
    correct += f().verify(p, doc.completion).correct;
  }
  double share = static_cast<double>(correct) / n;
  EXPECT_GE(share, 0.2);
  EXPECT_LE(share, 0.5);
  auto teacher = teacher_mix(f());
  ASSERT_FALSE(teacher.weights.empty());
  for (const auto& [name, w] : teacher.weights) {
    bool teacher_only = false;
    for (const auto& s : f().strategies()) teacher_only |= s.name == name && s.teacher_only;
    EXPECT_TRUE(teacher_only) << name;
  }
}

TEST_P(FamilyContract, VerifierSurvivesAnyCompletion) {
  Problem p = f().generate(Split::test, 0, f().default_difficulty(), 1);
  std::string huge(1 << 20, '9');
  std::string nested(5000, '(');
  for (std::string completion :
       {std::string(), std::string("\n\n\n"), std::string("#"), std::string("# "),
        std::string("garbage ]]] \x01\xff"), std::string("1+1=2\n2+2=4\n"), huge,
        "#" + huge, "#" + nested + "1",
        std::string("#-5\n"), std::string("99999999999999999999*99999999999999999=1\n#1\n"),
        std::string("no\nno\n#0\n"), std::string("#") + p.answer + "+" + p.answer}) {
    Verdict v = f().verify(p, completion);
    EXPECT_FALSE(v.correct) << completion.substr(0, 60);
    EXPECT_FALSE(v.steps_valid) << completion.substr(0, 60);
  }
  Verdict junk_then_gold = f().verify(p, huge + "\n#" + p.answer + "\n");
  EXPECT_TRUE(junk_then_gold.correct);
  EXPECT_FALSE(junk_then_gold.steps_valid);
  EXPECT_EQ(reason_text(junk_then_gold), "bad_step:1");
  Verdict none = f().verify(p, "1+1=2\n");
  EXPECT_EQ(none.reason, VerdictReason::no_answer);
  EXPECT_EQ(none.answer, "");
  Verdict empty = f().verify(p, "");
  EXPECT_EQ(empty.reason, VerdictReason::no_answer);
  // The gold answer alone is right but unsupported; the answer line may lack its '\n'.
  Verdict bare = f().verify(p, "#" + p.answer);
  EXPECT_TRUE(bare.correct);
  EXPECT_FALSE(bare.steps_valid);
  EXPECT_EQ(bare.reason, VerdictReason::unsupported_answer);
  EXPECT_EQ(bare.answer, p.answer);
}

TEST_P(FamilyContract, MalformedPromptThrowsAndUnknownStrategyThrows) {
  Problem p = f().generate(Split::test, 0, f().default_difficulty(), 1);
  Problem bad = p;
  bad.prompt = "hello\n";
  EXPECT_THROW(f().verify(bad, "#1\n"), rlvr::Error);
  EXPECT_THROW(f().solve(p, "no-such-strategy", 1), rlvr::Error);
  EXPECT_THROW(f().generate(Split::test, 0, f().max_difficulty() + 1, 1), rlvr::Error);
}

INSTANTIATE_TEST_SUITE_P(AllFamilies, FamilyContract, ::testing::ValuesIn(family_names()),
                         [](const auto& info) { return info.param; });

TEST(Registry, UnknownFamilyErrorListsKnownNames) {
  try {
    family("nope");
    FAIL();
  } catch (const rlvr::Error& e) {
    for (const auto& n : family_names()) EXPECT_NE(std::string(e.what()).find(n), std::string::npos);
  }
  EXPECT_GE(family_names().size(), 1u);
}

TEST(Alphabet, IsSortedWithoutDuplicatesAndSmall) {
  std::string a = alphabet();
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_EQ(std::adjacent_find(a.begin(), a.end()), a.end());
  EXPECT_LE(a.size(), 40u);
  EXPECT_NE(a.find('\n'), std::string::npos);
}

}  // namespace
