// Corpus mixes: parsing (with errors naming the field), the declared default and
// teacher mixes, and deterministic documents drawn from the train split.
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "rlvr/tasks/corpus.h"
#include "rlvr/util/error.h"

using namespace rlvr::tasks;

namespace {

const TaskFamily& countdown() { return family("countdown"); }

TEST(CorpusMix, ParsesWeightsAndDifficulty) {
  CorpusMix m = parse_corpus_mix(countdown(), "careful=0.3, slip=0.4 ,guess=0.3");
  EXPECT_EQ(m.weights.size(), 3u);
  EXPECT_DOUBLE_EQ(m.weights.at("slip"), 0.4);
  EXPECT_EQ(m.min_difficulty, countdown().default_difficulty());
  EXPECT_EQ(m.max_difficulty, countdown().default_difficulty());
  m = parse_corpus_mix(countdown(), "careful=1,difficulty=1-3");
  EXPECT_EQ(m.min_difficulty, 1);
  EXPECT_EQ(m.max_difficulty, 3);
  m = parse_corpus_mix(countdown(), "difficulty=4,teacher=2");
  EXPECT_EQ(m.min_difficulty, 4);
  EXPECT_DOUBLE_EQ(m.weights.at("teacher"), 2.0);
}

TEST(CorpusMix, FormatRoundTrips) {
  CorpusMix m = parse_corpus_mix(countdown(), "careful=0.25,guess=0.75,difficulty=2-3");
  EXPECT_EQ(format_corpus_mix(m), "careful=0.25,guess=0.75,difficulty=2-3");
  CorpusMix back = parse_corpus_mix(countdown(), format_corpus_mix(m));
  EXPECT_EQ(back.weights, m.weights);
  EXPECT_EQ(back.min_difficulty, 2);
  EXPECT_EQ(back.max_difficulty, 3);
}

// Each bad mix names the field at fault.
TEST(CorpusMix, ErrorsNameTheField) {
  std::map<std::string, std::string> cases = {
      {"careful=0.3,carefull=0.7", "'carefull'"},
      {"careful=abc", "'careful'"},
      {"careful=-1", "'careful'"},
      {"careful=0", "'careful'"},
      {"careful=0.5x", "'careful'"},
      {"careful=nan", "'careful'"},
      {"careful=1,careful=2", "'careful'"},
      {"careful", "'careful'"},
      {"careful=1,difficulty=9", "'difficulty'"},
      {"careful=1,difficulty=3-1", "'difficulty'"},
      {"careful=1,difficulty=x", "'difficulty'"},
      {"careful=1,,guess=1", "empty item"},
      {"", "empty item"},
      {"difficulty=2", "names no strategy"},
  };
  for (const auto& [text, needle] : cases) {
    try {
      parse_corpus_mix(countdown(), text, "study.toml");
      ADD_FAILURE() << "accepted: " << text;
    } catch (const rlvr::InputError& e) {
      std::string what = e.what();
      EXPECT_NE(what.find("study.toml"), std::string::npos) << what;
      EXPECT_NE(what.find(needle), std::string::npos) << text << " -> " << what;
    }
  }
}

TEST(CorpusDocuments, AreDeterministicAndFollowTheMix) {
  CorpusMix m = parse_corpus_mix(countdown(), "careful=3,guess=1,difficulty=1-3");
  auto a = corpus_documents(countdown(), m, 4000, 17);
  auto b = corpus_documents(countdown(), m, 4000, 17);
  auto c = corpus_documents(countdown(), m, 4000, 18);
  ASSERT_EQ(a.size(), 4000u);
  std::map<std::string, int> strategies;
  std::map<int, int> difficulties;
  int differ = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].text(), b[i].text());
    EXPECT_EQ(a[i].text(), a[i].prompt + a[i].completion);
    differ += a[i].text() != c[i].text();
    ++strategies[a[i].strategy];
    ++difficulties[a[i].difficulty];
  }
  EXPECT_GT(differ, 3000);
  EXPECT_EQ(strategies.size(), 2u);
  EXPECT_NEAR(strategies["careful"] / 4000.0, 0.75, 0.03);
  EXPECT_EQ(difficulties.size(), 3u);
  for (auto [d, n] : difficulties) EXPECT_NEAR(n / 4000.0, 1.0 / 3, 0.03) << d;
  // The first documents do not change when more are asked for.
  auto shorter = corpus_documents(countdown(), m, 10, 17);
  for (size_t i = 0; i < shorter.size(); ++i) EXPECT_EQ(shorter[i].text(), a[i].text());
}

TEST(CorpusDocuments, RejectMixesTheFamilyCannotServe) {
  CorpusMix m;
  m.weights["nope"] = 1;
  m.min_difficulty = m.max_difficulty = 1;
  EXPECT_THROW(corpus_documents(countdown(), m, 1, 1), rlvr::Error);
  m.weights = {{"careful", 1}};
  m.max_difficulty = 99;
  EXPECT_THROW(corpus_documents(countdown(), m, 1, 1), rlvr::Error);
}

TEST(ProblemSet, ListsDistinctProblemsOfTheSplit) {
  // modeq at difficulty 1 (p = 5) has 3600 problems, about 720 of them in test: 400 draws
  // repeat some, and the set skips the repeats.
  const TaskFamily& f = family("modeq");
  auto test = problem_set(f, Split::test, 400, 1, 3);
  ASSERT_EQ(test.size(), 400u);
  std::set<std::string> forms, ids;
  uint64_t skipped = 0;
  for (const Problem& p : test) {
    EXPECT_EQ(split_of(f, p), Split::test);
    EXPECT_TRUE(forms.insert(f.canonical_form(p)).second) << p.prompt;
    EXPECT_TRUE(ids.insert(p.id).second);
    uint64_t index = std::stoull(p.id.substr(p.id.rfind('-') + 1));
    EXPECT_EQ(f.generate(Split::test, index, 1, 3).prompt, p.prompt);
    skipped = index + 1 - forms.size();
  }
  EXPECT_GT(skipped, 0u);
  EXPECT_THROW(problem_set(f, Split::test, 5000, 1, 3), rlvr::Error);
  EXPECT_EQ(problem_set(countdown(), Split::test, 20, 2, 3)[0].id,
            countdown().generate(Split::test, 0, 2, 3).id);
}

}  // namespace
