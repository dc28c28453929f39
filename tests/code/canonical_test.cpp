// The reference solutions pass their own tests in the sandbox (164/164,
// 427/427, 974/974), and mutated ones fail. Programs run in parallel, one
// fork server per core.
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "rlvr/code/judge.h"
#include "rlvr/code/problems.h"

using namespace rlvr::code;
using rlvr::sandbox::Result;
using rlvr::sandbox::Status;

namespace {

const std::filesystem::path kData = std::filesystem::path(RLVR_SOURCE_DIR) / "data";

JudgeOptions options() {
  JudgeOptions o;
  // Generous: MBPP 123 needs about 6 CPU seconds, and a shared machine may
  // give each worker a fraction of a core.
  o.sandbox.limits.wall_seconds = 120;
  o.sandbox.limits.cpu_seconds = 60;
  return o;
}

// Runs every problem's reference solution (through `mutate`) and returns the ids that passed.
std::set<std::string> passing(const std::vector<CodeProblem>& problems,
                              const std::function<std::string(const CodeProblem&)>& completion,
                              std::string* failures = nullptr) {
  std::vector<std::string> programs;
  for (const auto& p : problems) programs.push_back(build_program(p, completion(p)));
  std::vector<Result> results = run_programs(programs, options());
  std::set<std::string> ids;
  for (size_t i = 0; i < problems.size(); ++i) {
    if (results[i].status == Status::Passed) ids.insert(problems[i].id);
    else if (failures && failures->size() < 4000)
      *failures += problems[i].id + ": " + rlvr::sandbox::status_text(results[i]) + " " + results[i].error + " " +
                   results[i].stderr_tail.substr(
                       results[i].stderr_tail.size() > 300 ? results[i].stderr_tail.size() - 300 : 0) +
                   "\n";
  }
  return ids;
}

// The MBPP function under test: the name called by the first assertion.
std::string mbpp_function(const CodeProblem& p) {
  static const std::regex call(
      R"(assert\s*\(?\s*(?:set\(|math\.isclose\(|round\()?\s*([A-Za-z_][A-Za-z_0-9]*)\s*\()");
  std::smatch m;
  if (std::regex_search(p.test_list.front(), m, call)) return m[1];
  return "";
}

TEST(Canonical, HumanEvalAllPass) {
  auto problems = load_code_dataset("humaneval", kData);
  ASSERT_EQ(problems.size(), 164u);
  std::string failures;
  auto ids = passing(
      problems, [](const CodeProblem& p) { return p.reference; }, &failures);
  EXPECT_EQ(ids.size(), 164u) << failures;
}

TEST(Canonical, MbppSanitizedAllPass) {
  auto problems = load_code_dataset("mbpp", kData);
  ASSERT_EQ(problems.size(), 427u);
  std::string failures;
  auto ids = passing(
      problems, [](const CodeProblem& p) { return p.reference; }, &failures);
  EXPECT_EQ(ids.size(), 427u) << failures;
}

TEST(Canonical, MbppFullAllPass) {
  auto problems = load_code_dataset("mbpp_full", kData);
  ASSERT_EQ(problems.size(), 974u);
  std::string failures;
  auto ids = passing(
      problems, [](const CodeProblem& p) { return p.reference; }, &failures);
  EXPECT_EQ(ids.size(), 974u) << failures;
}

TEST(Mutated, WrongReturnFailsEverywhere) {
  // The function returns None whatever it is asked.
  auto humaneval = load_code_dataset("humaneval", kData);
  auto ids = passing(humaneval, [](const CodeProblem&) { return std::string("    return None\n"); });
  EXPECT_TRUE(ids.empty()) << ids.size() << " passed, first " << *ids.begin();
  auto mbpp = load_code_dataset("mbpp", kData);
  auto mbpp_ids = passing(mbpp, [](const CodeProblem& p) {
    return p.reference + "\n\ndef " + mbpp_function(p) + "(*args, **kwargs):\n    return None\n";
  });
  EXPECT_TRUE(mbpp_ids.empty()) << mbpp_ids.size() << " passed, first " << *mbpp_ids.begin();
}

TEST(Mutated, OffByOneFails) {
  // Every integer the function returns is one too large. Only problems whose
  // tests compare integer results (each checked by hand) are used.
  const std::set<std::string> integer_problems = {"HumanEval/13", "HumanEval/36", "HumanEval/16", "HumanEval/18",
                                                  "HumanEval/24", "HumanEval/39", "HumanEval/46", "HumanEval/55",
                                                  "HumanEval/59", "HumanEval/63", "HumanEval/83", "HumanEval/49"};
  std::vector<CodeProblem> chosen;
  for (auto& p : load_code_dataset("humaneval", kData))
    if (integer_problems.count(p.id)) chosen.push_back(p);
  ASSERT_EQ(chosen.size(), integer_problems.size());
  auto off_by_one = [](const CodeProblem& p) {
    return p.reference + "\n\n_reference = " + p.entry_point + "\n\ndef " + p.entry_point +
           "(*args):\n    r = _reference(*args)\n    return r + 1 if type(r) is int else r\n";
  };
  auto ids = passing(chosen, off_by_one);
  EXPECT_TRUE(ids.empty()) << *ids.begin();
  // Sanity: the same problems pass unmutated.
  EXPECT_EQ(passing(chosen, [](const CodeProblem& p) { return p.reference; }).size(), chosen.size());
}

}  // namespace
