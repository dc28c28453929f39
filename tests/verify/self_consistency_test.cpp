// The reference solutions of the benchmarks agree with their own gold answers:
// a verifier that fails here would mark correct completions wrong.
#include <cstdio>
#include <cctype>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "rlvr/verify/datasets.h"
#include "rlvr/verify/equivalence.h"
#include "rlvr/verify/extract.h"
#include "rlvr/verify/rewrite.h"
#include "test_data.h"

namespace rlvr::verify {
namespace {

using testing::benchmark_data;

TEST(SelfConsistency, Math500BoxedSolutionMatchesAnswerField) {
  RLVR_REQUIRE_FILE(benchmark_data() / "benchmarks/math500/test.jsonl");
  auto problems = load_dataset("math500", benchmark_data());
  ASSERT_EQ(problems.size(), 500u);
  CheckOptions options;
  size_t agreed = 0;
  for (const auto& p : problems) {
    auto boxed = last_boxed(p.solution);
    ASSERT_TRUE(boxed) << p.id;
    Verdict v = compare_answers(p.gold, *boxed, options);
    if (v.equivalent) ++agreed;
    else ADD_FAILURE() << p.id << ": gold '" << p.gold << "' vs boxed '" << *boxed << "': " << v.reason << " " << v.detail;
  }
  EXPECT_EQ(agreed, 500u);
}

TEST(SelfConsistency, Math500AnswerFoundInWholeSolution) {
  RLVR_REQUIRE_FILE(benchmark_data() / "benchmarks/math500/test.jsonl");
  // The full solution, as a completion, is judged correct against the answer field.
  size_t agreed = 0;
  auto problems = load_dataset("math500", benchmark_data());
  for (const auto& p : problems) {
    Verdict v = check(p.gold, p.solution, CheckOptions{});
    if (v.equivalent) ++agreed;
    else ADD_FAILURE() << p.id << ": " << v.reason << " gold " << v.gold_norm << " pred " << v.pred_norm << " (" << v.pred_answer << ")";
  }
  EXPECT_EQ(agreed, 500u);
}

TEST(SelfConsistency, Gsm8kGoldParsesAndMatchesItsRenderings) {
  RLVR_REQUIRE_FILE(benchmark_data() / "benchmarks/gsm8k/test.jsonl");
  auto problems = load_dataset("gsm8k", benchmark_data());
  ASSERT_EQ(problems.size(), 1319u);
  CheckOptions options;
  for (const auto& p : problems) {
    // The whole reference solution (ending in "#### N") judged against N.
    Verdict whole = check(p.gold, p.solution, options);
    EXPECT_TRUE(whole.equivalent) << p.id << ": " << p.gold << " " << whole.reason << " " << whole.pred_answer;
    // N written with thousands separators and boxed.
    std::string grouped = p.gold;
    size_t dot = grouped.find('.');
    size_t int_end = dot == std::string::npos ? grouped.size() : dot;
    size_t first_digit = grouped[0] == '-' ? 1 : 0;
    for (long i = static_cast<long>(int_end) - 3; i > static_cast<long>(first_digit); i -= 3) grouped.insert(static_cast<size_t>(i), 1, ',');
    Verdict boxed = check(p.gold, fmt::format("So the total is \\boxed{{{}}}.", grouped), options);
    EXPECT_TRUE(boxed.equivalent) << p.id << ": " << p.gold << " vs " << grouped << " " << boxed.reason;
    Verdict plain = check(p.gold, fmt::format("The answer is {} dollars.", grouped), options);
    EXPECT_TRUE(plain.equivalent) << p.id << ": " << p.gold << " vs " << grouped << " " << plain.reason;
  }
}

TEST(SelfConsistency, MinervaBoxedAnswerMatchesItsRerenderings) {
  RLVR_REQUIRE_FILE(benchmark_data() / "benchmarks/minerva_math/test.jsonl");
  auto problems = load_dataset("minerva_math", benchmark_data());
  ASSERT_EQ(problems.size(), 272u);
  CheckOptions options;
  size_t agreed = 0;
  for (const auto& p : problems) {
    Verdict solution = check(p.gold, p.solution, options);
    Verdict sentence = check(p.gold, "Final Answer: The final answer is $" + p.gold + "$. I hope it is correct.", options);
    Verdict boxed = check("\\boxed{" + p.gold + "}", "Thus we get \\boxed{ " + p.gold + " }.", options);
    if (solution.equivalent && sentence.equivalent && boxed.equivalent) ++agreed;
    else
      ADD_FAILURE() << p.id << ": '" << p.gold << "' solution=" << solution.reason << " sentence=" << sentence.reason
                    << "/" << sentence.pred_answer << " boxed=" << boxed.reason;
  }
  EXPECT_EQ(agreed, problems.size());
}

TEST(SelfConsistency, EveryDatasetLoadsWithGoldAnswers) {
  for (const auto& name : dataset_names()) {
    RLVR_REQUIRE_FILE(benchmark_data() / "benchmarks" / name / "test.jsonl");
    auto problems = load_dataset(name, benchmark_data());
    EXPECT_FALSE(problems.empty()) << name;
    for (const auto& p : problems) {
      EXPECT_FALSE(p.id.empty()) << name;
      EXPECT_FALSE(p.prompt.empty()) << name << " " << p.id;
      EXPECT_FALSE(p.gold.empty()) << name << " " << p.id;
    }
  }
}

}  // namespace
}  // namespace rlvr::verify

namespace rlvr::verify {
namespace {

// Every gold answer of the math benchmarks parses into a tree (none falls back
// to comparing strings), except the ones listed with the reason.
TEST(SelfConsistency, GoldAnswersParse) {
  size_t total = 0, failed = 0;
  for (const std::string name : {"math500", "minerva_math", "olympiadbench", "aime24", "amc23", "gsm8k"}) {
    auto path = testing::benchmark_data() / "benchmarks" / name / "test.jsonl";
    RLVR_REQUIRE_FILE(path);
    for (const auto& p : load_dataset(name, testing::benchmark_data())) {
      ++total;
      ParseResult r = parse_answer(p.gold, ParseOptions{});
      if (!r.expr) {
        ++failed;
        std::printf("  %s %s: '%s': %s\n", name.c_str(), p.id.c_str(), p.gold.c_str(), r.error.c_str());
      }
    }
  }
  std::printf("%zu of %zu gold answers parse\n", total - failed, total);
  EXPECT_LE(failed, total / 50) << "more than 2% of gold answers do not parse";
}

}  // namespace
}  // namespace rlvr::verify

namespace rlvr::verify {
namespace {

// MATH500 golds against rewritten forms a grader must accept, and against
// the gold plus one, which it must reject.
TEST(SelfConsistency, Math500GoldsAgainstRewrittenForms) {
  RLVR_REQUIRE_FILE(testing::benchmark_data() / "benchmarks/math500/test.jsonl");
  size_t failures = 0;
  for (const auto& p : load_dataset("math500", testing::benchmark_data())) {
    const std::string& g = p.gold;
    std::string spaced;
    for (char c : g) {
      spaced += c;
      if (c == ',' || c == '+' || c == '=') spaced += ' ';
    }
    std::string dfrac = g;
    for (size_t k = 0; (k = dfrac.find("\\frac", k)) != std::string::npos; k += 6) dfrac.replace(k, 5, "\\dfrac");
    for (const std::string& variant : {fractions_as_slashes(g), dfrac, " " + spaced + " "}) {
      Verdict v = compare_answers(g, variant, CheckOptions{});
      if (!v.equivalent) {
        ++failures;
        ADD_FAILURE() << p.id << ": '" << g << "' vs '" << variant << "': " << v.reason << " " << v.detail;
      }
    }
    Verdict wrong = compare_answers(g, g + "+1", CheckOptions{});
    if (wrong.equivalent) ADD_FAILURE() << p.id << ": '" << g << "' accepted '" << g << "+1'";
  }
  EXPECT_EQ(failures, 0u);
}

}  // namespace
}  // namespace rlvr::verify

namespace rlvr::verify {
namespace {

// Each benchmark's reference solution judged as a completion against the
// dataset's own answer field, with the dataset's answer type and tolerance.
// The agreement is pinned to the count measured (docs/VERIFIER.md, section
// "Self-consistency on the shipped benchmarks"), and the disagreeing problems to
// the listed ids, so any change in either direction shows up here.
struct Consistency {
  size_t problems = 0;
  size_t agreed = 0;
  std::set<std::string> disagreeing;
};

// Whether a reference solution marks its final answer: a box or an answer phrase.
bool marks_answer(const std::string& solution) {
  std::string low = solution;
  for (char& ch : low) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const char* marker : {"\\boxed", "\\fbox", "answer is", "final answer", "answer:", "####"})
    if (low.find(marker) != std::string::npos) return true;
  return false;
}

// `marked_only`: only solutions that mark their answer; otherwise every solution, the
// answer taken from its prose by the usual rules (last formula or number).
Consistency measure(const std::string& name, bool marked_only) {
  Consistency c;
  for (const auto& p : load_dataset(name, testing::shared_data())) {
    if (p.solution.empty() || (marked_only && !marks_answer(p.solution))) continue;
    ++c.problems;
    Verdict v = check(p.gold, p.solution, options_for(p, CheckOptions{}));
    if (v.equivalent) {
      ++c.agreed;
    } else {
      c.disagreeing.insert(p.id);
      std::printf("  %s %s: gold '%s' vs '%s': %s %s\n", name.c_str(), p.id.c_str(), p.gold.c_str(), v.pred_answer.c_str(),
                  v.reason.c_str(), v.detail.c_str());
    }
  }
  std::printf("%s%s: %zu of %zu reference solutions agree with the answer field\n", name.c_str(),
              marked_only ? " (marked answers)" : "", c.agreed, c.problems);
  return c;
}

TEST(SelfConsistency, ReferenceSolutionsAgainstAnswerFieldsPerBenchmark) {
  struct Expected {
    const char* name;
    bool marked_only;
    size_t problems;
    size_t agreed;
    std::set<std::string> disagreeing;
  };
  const std::vector<Expected> expected = {
      {"math500", true, 500, 500, {}},
      {"minerva_math", true, 272, 272, {}},
      {"gsm8k", true, 1319, 1319, {}},
      {"olympiadbench", true, 0, 0, {}},
      {"olympiadbench", false, 675, 0, {}},
  };
  for (const auto& e : expected) {
    RLVR_REQUIRE_FILE(testing::shared_data() / "benchmarks" / e.name / "test.jsonl");
    Consistency c = measure(e.name, e.marked_only);
    EXPECT_EQ(c.problems, e.problems) << e.name << (e.marked_only ? " marked" : " prose");
    EXPECT_EQ(c.agreed, e.agreed) << e.name << (e.marked_only ? " marked" : " prose");
    EXPECT_EQ(c.disagreeing, e.disagreeing) << e.name << (e.marked_only ? " marked" : " prose");
  }
}

}  // namespace
}  // namespace rlvr::verify
