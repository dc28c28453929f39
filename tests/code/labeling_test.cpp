// Code samples -> label_code_samples on real files, flat samples and
// reference rows; programs built from chat answers; bad input named by file,
// line and field. cli_test.cpp takes the output on through rlvr analyze.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rlvr/code/labeling.h"
#include "rlvr/util/error.h"
#include "rlvr/util/files.h"
#include "support/temp_dir.h"

using namespace rlvr::code;
using nlohmann::json;

namespace {

const std::filesystem::path kData = std::filesystem::path(RLVR_SOURCE_DIR) / "data";

JudgeOptions options() {
  JudgeOptions o;
  o.sandbox.limits.wall_seconds = 20;
  return o;
}

// Problem i of the first six gets correct[i] right answers out of 4, in
// several shapes; the wrong ones fail in several ways.
const int kCorrect[6] = {4, 3, 2, 1, 0, 2};

std::string completion(const CodeProblem& p, int sample, bool right) {
  if (right) {
    switch (sample % 3) {
      case 0: return p.reference;  // body after the prompt
      case 1:
        return std::string("Here is the function:\n```python\n") + p.prompt + p.reference +
               "```\nDone.";  // chat answer
      default:
        return std::string("\n") + p.prompt.substr(p.prompt.find("def ")) +
               p.reference;  // a whole function, no fence
    }
  }
  switch (sample % 3) {
    case 0: return "    return None\n";
    case 1: return "    import sys\n    sys.exit(0)\n";  // leaves before the assertions: not a pass
    default: return "    while True:\n        pass\n";   // times out
  }
}

std::vector<CodeProblem> six_problems() {
  auto all = load_code_dataset("humaneval", kData);
  return {all.begin(), all.begin() + 6};
}

TEST(Programs, ChatAnswersAndBodies) {
  auto problems = six_problems();
  const CodeProblem& p = problems[0];
  EXPECT_EQ(extract_code("text\n```python\nx = 1\n```\nmore ```py\ndef f(): pass\n```"), "def f(): pass\n");
  EXPECT_EQ(extract_code("no fence"), "no fence");
  std::string full = build_program(p, "```python\ndef has_close_elements(a, b):\n    return True\n```");
  EXPECT_NE(full.find(p.prompt + "\ndef has_close_elements(a, b)"), std::string::npos);
  EXPECT_NE(full.find("check(has_close_elements)"), std::string::npos);
  std::string body = build_program(p, "    return True\n");
  EXPECT_EQ(body.substr(0, p.prompt.size() + 16), p.prompt + "    return True\n");
  auto mbpp = load_code_dataset("mbpp_full", kData);
  const CodeProblem& tree = *std::find_if(mbpp.begin(), mbpp.end(), [](const auto& q) { return q.id == "367"; });
  std::string program = build_program(tree, tree.reference);
  // code, then test_setup_code (which uses the code's class), then the assertions
  EXPECT_LT(program.find("class Node"), program.find(tree.test_setup.substr(0, 20)));
  EXPECT_LT(program.find(tree.test_setup.substr(0, 20)), program.find(tree.test_list[0]));
}

TEST(Labeling, FlatSamplesKeepTheirFields) {
  TempDir dir;
  auto problems = six_problems();
  std::string flat;
  for (size_t i = 0; i < problems.size(); ++i)
    for (int s = 0; s < 4; ++s)
      flat += json{{"problem_id", problems[i].id},
                   {"sample_id", s},
                   {"completion", completion(problems[i], s, s < kCorrect[i])},
                   {"model", "m"}}
                  .dump() +
              "\n";
  auto in = dir.write("samples.jsonl", flat);
  JudgeOptions o = options();
  o.sandbox.limits.wall_seconds = 5;
  CodeLabelSummary s = label_code_samples(in, dir.path() / "labelled.jsonl", problems, o);
  EXPECT_EQ(s.format, "flat");
  EXPECT_EQ(s.samples, 24u);
  EXPECT_EQ(s.passed, 12u);
  EXPECT_EQ(s.statuses["passed"], 12u);
  EXPECT_GE(s.statuses["failed:SystemExit"], 1u);
  EXPECT_GE(s.statuses["timeout"], 1u);
  EXPECT_EQ(s.isolation, "namespaces+seccomp");

  // Every input field is kept; the verdict fields are added.
  std::string labelled = rlvr::read_file(dir.path() / "labelled.jsonl");
  json first = json::parse(labelled.substr(0, labelled.find('\n')));
  EXPECT_EQ(first["model"], "m");
  EXPECT_EQ(first["correct"], true);
  EXPECT_EQ(first["status"], "passed");
  EXPECT_TRUE(first["seconds"].is_number());
  EXPECT_EQ(first["sandbox"], "namespaces+seccomp");

  size_t correct = 0, rows = 0;
  for (size_t at = 0, end; (end = labelled.find('\n', at)) != std::string::npos; at = end + 1, ++rows)
    correct += json::parse(labelled.substr(at, end - at))["correct"].get<bool>();
  EXPECT_EQ(rows, 24u);
  EXPECT_EQ(correct, 12u);
}

TEST(Labeling, ReferenceRowsGetScores) {
  TempDir dir;
  auto problems = six_problems();
  std::string rows;
  for (size_t i = 0; i < problems.size(); ++i) {
    json code = json::array();
    for (int s = 0; s < 4; ++s) code.push_back(completion(problems[i], s, s < kCorrect[i]));
    rows += json{{"idx", static_cast<int>(i)}, {"code", code}}.dump() + "\n";
  }
  auto in = dir.write("rows.jsonl", rows);
  JudgeOptions o = options();
  o.sandbox.limits.wall_seconds = 5;
  CodeLabelSummary s = label_code_samples(in, dir.path() / "out.jsonl", problems, o);
  EXPECT_EQ(s.format, "reference");
  EXPECT_EQ(s.passed, 12u);
  std::string out = rlvr::read_file(dir.path() / "out.jsonl");
  json row = json::parse(out.substr(0, out.find('\n')));
  EXPECT_EQ(row["score"], json({true, true, true, true}));
  EXPECT_EQ(row["status"].size(), 4u);
  EXPECT_EQ(row["idx"], 0);
  EXPECT_EQ(row["sandbox"], "namespaces+seccomp");
}

TEST(Labeling, BadInputNamesFileLineAndField) {
  TempDir dir;
  auto problems = six_problems();
  auto unknown = dir.write("unknown.jsonl",
                           "{\"problem_id\": \"HumanEval/0\", \"completion\": \"\"}\n"
                           "{\"problem_id\": \"HumanEval/999\", \"completion\": \"\"}\n");
  try {
    label_code_samples(unknown, dir.path() / "out.jsonl", problems, options());
    FAIL() << "expected an InputError";
  } catch (const rlvr::InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.field(), "problem_id");
  }
  auto wrong_type = dir.write("type.jsonl", "{\"problem_id\": 0, \"completion\": 5}\n");
  try {
    label_code_samples(wrong_type, dir.path() / "out.jsonl", problems, options());
    FAIL() << "expected an InputError";
  } catch (const rlvr::InputError& e) {
    EXPECT_EQ(e.line(), 1);
    EXPECT_EQ(e.field(), "completion");
  }
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "out.jsonl"));
}

}  // namespace
