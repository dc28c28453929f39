// Labelling sample files: both formats, errors naming the line, and the same
// output for any number of threads.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "rlvr/util/error.h"
#include "rlvr/util/files.h"
#include "rlvr/verify/labeling.h"

namespace rlvr::verify {
namespace {

namespace fs = std::filesystem;

fs::path temp_file(const std::string& name, const std::string& content) {
  fs::path dir = fs::temp_directory_path() / "rlvr_verify_labeling_test";
  fs::create_directories(dir);
  std::ofstream(dir / name) << content;
  return dir / name;
}

std::vector<Problem> two_problems() {
  return {{"p1", "What is 1/2 + 1/2?", "1", ""}, {"7", "Solve x^2 = 4.", "\\pm 2", ""}};
}

TEST(Labeling, FlatSamplesGetAnswerCorrectAndReason) {
  auto in = temp_file("flat.jsonl",
                      "{\"problem_id\": \"p1\", \"completion\": \"so \\\\boxed{\\\\frac{2}{2}}\", \"model\": \"m\"}\n"
                      "{\"problem_id\": 7, \"completion\": \"x = \\\\boxed{-2, 2}\"}\n"
                      "{\"problem_id\": \"p1\", \"completion\": \"I give up\", \"correct\": true}\n"
                      "{\"problem_id\": \"set-7\", \"completion\": null}\n");
  auto out = in.parent_path() / "flat_out.jsonl";
  LabelSummary s = label_samples(in, out, two_problems(), LabelOptions{});
  EXPECT_EQ(s.format, "flat");
  EXPECT_EQ(s.samples, 4u);
  EXPECT_EQ(s.correct, 2u);
  std::istringstream lines(read_file(out));
  std::string line;
  std::vector<nlohmann::json> rows;
  while (std::getline(lines, line)) rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[3]["correct"], false);  // null completion; "set-7" is problem 7
  EXPECT_EQ(rows[3]["answer"], "");
  EXPECT_EQ(rows[0]["correct"], true);
  EXPECT_EQ(rows[0]["answer"], "\\frac{2}{2}");
  EXPECT_EQ(rows[0]["model"], "m");
  EXPECT_EQ(rows[1]["correct"], true);
  EXPECT_EQ(rows[2]["correct"], false);  // overwritten
  EXPECT_EQ(rows[2]["reason"], "no_answer");
}

TEST(Labeling, ReferenceRowsGetPredAndScoreLists) {
  auto in = temp_file("ref.jsonl", "{\"idx\": 0, \"gt\": \"\\\\frac{1}{2}\", \"code\": [\"\\\\boxed{0.5}\", \"\\\\boxed{2}\"]}\n"
                                   "{\"idx\": 1, \"gt\": 12, \"code\": [\"The answer is 12.\"]}\n");
  auto out = in.parent_path() / "ref_out.jsonl";
  LabelSummary s = label_samples(in, out, {}, LabelOptions{});
  EXPECT_EQ(s.format, "reference");
  EXPECT_EQ(s.samples, 3u);
  std::istringstream lines(read_file(out));
  std::string line;
  std::getline(lines, line);
  auto row = nlohmann::json::parse(line);
  EXPECT_EQ(row["score"], nlohmann::json::array({true, false}));
  EXPECT_EQ(row["pred"], nlohmann::json::array({"0.5", "2"}));
  std::getline(lines, line);
  EXPECT_EQ(nlohmann::json::parse(line)["score"], nlohmann::json::array({true}));
}

TEST(Labeling, SameOutputForAnyThreadCount) {
  std::string content;
  for (int i = 0; i < 200; ++i)
    content += "{\"problem_id\": \"p1\", \"completion\": \"\\\\boxed{" + std::to_string(i % 3) + "}\"}\n";
  auto in = temp_file("many.jsonl", content);
  LabelOptions one, four;
  four.threads = 4;
  label_samples(in, in.parent_path() / "one.jsonl", two_problems(), one);
  label_samples(in, in.parent_path() / "four.jsonl", two_problems(), four);
  EXPECT_EQ(read_file(in.parent_path() / "one.jsonl"), read_file(in.parent_path() / "four.jsonl"));
}

TEST(Labeling, BadRowsNameTheirLine) {
  auto unknown = temp_file("unknown.jsonl", "{\"problem_id\": \"p1\", \"completion\": \"1\"}\n{\"problem_id\": \"zz\", \"completion\": \"1\"}\n");
  try {
    label_samples(unknown, unknown.parent_path() / "x.jsonl", two_problems(), LabelOptions{});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.field(), "problem_id");
  }
  auto bad_code = temp_file("bad_code.jsonl", "{\"idx\": 0, \"gt\": \"1\", \"code\": \"not a list\"}\n");
  EXPECT_THROW(label_samples(bad_code, bad_code.parent_path() / "x.jsonl", {}, LabelOptions{}), InputError);
  auto flat_without_golds = temp_file("nogold.jsonl", "{\"problem_id\": \"p1\", \"completion\": \"1\"}\n");
  EXPECT_THROW(label_samples(flat_without_golds, flat_without_golds.parent_path() / "x.jsonl", {}, LabelOptions{}), Error);
  EXPECT_FALSE(fs::exists(flat_without_golds.parent_path() / "x.jsonl"));
}

}  // namespace
}  // namespace rlvr::verify
