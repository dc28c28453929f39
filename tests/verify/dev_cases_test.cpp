// Agreement with the 195 development cases from Math-Verify's test suite, and
// the list of disagreements in docs/VERIFIER.md kept in step with the code.
#include <fstream>
#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "rlvr/util/error.h"
#include "rlvr/verify/cases.h"
#include "test_data.h"

namespace rlvr::verify {
namespace {

using testing::shared_data;

// Line numbers listed as "- dev line N:" under the disagreements heading.
std::set<size_t> documented_disagreements() {
  std::ifstream doc(std::filesystem::path(RLVR_SOURCE_DIR) / "docs" / "VERIFIER.md");
  std::set<size_t> lines;
  std::string text;
  bool in_section = false;
  std::regex item(R"(^- dev line (\d+):)");
  while (std::getline(doc, text)) {
    if (text.rfind("## ", 0) == 0) in_section = text.find("Disagreements") != std::string::npos;
    std::smatch m;
    if (in_section && std::regex_search(text, m, item)) lines.insert(std::stoul(m[1]));
  }
  return lines;
}

TEST(DevCases, AgreementAtLeast97PercentAndDisagreementsDocumented) {
  auto path = shared_data() / "verifier-cases/math_equivalence_dev.jsonl";
  RLVR_REQUIRE_FILE(path);
  CaseSummary s = check_cases(path, CheckOptions{});
  ASSERT_EQ(s.with_expected, 195u);
  double agreement = static_cast<double>(s.agreed) / static_cast<double>(s.with_expected);
  EXPECT_GE(agreement, 0.97) << s.agreed << "/" << s.with_expected;
  std::set<size_t> found(s.disagreements.begin(), s.disagreements.end());
  EXPECT_EQ(found, documented_disagreements()) << "docs/VERIFIER.md must list every disagreement as '- dev line N:'";
  ASSERT_TRUE(std::filesystem::exists(std::filesystem::path(RLVR_SOURCE_DIR) / "docs" / "VERIFIER.md"));
}

TEST(DevCases, OutputRowsCarryVerdictFields) {
  auto path = shared_data() / "verifier-cases/math_equivalence_dev.jsonl";
  RLVR_REQUIRE_FILE(path);
  CaseSummary s = check_cases(path, CheckOptions{});
  ASSERT_EQ(s.out_lines.size(), 195u);
  for (const auto& line : s.out_lines) {
    for (const char* field : {"\"equivalent\"", "\"reason\"", "\"gold_norm\"", "\"pred_norm\"", "\"micros\"", "\"expected\""})
      EXPECT_NE(line.find(field), std::string::npos) << field;
  }
}

TEST(Cases, MalformedRowsNameFileLineAndField) {
  auto dir = std::filesystem::temp_directory_path() / "rlvr_verify_cases_test";
  std::filesystem::create_directories(dir);
  auto write = [&](const std::string& name, const std::string& content) {
    std::ofstream(dir / name) << content;
    return dir / name;
  };
  auto missing_pred = write("a.jsonl", "{\"gold\": \"1\", \"pred\": \"1\"}\n{\"gold\": \"2\"}\n");
  try {
    check_cases(missing_pred, CheckOptions{});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.field(), "pred");
  }
  auto bad_extract = write("b.jsonl", "{\"gold\": \"1\", \"pred\": \"1\", \"extract\": [\"regex\"]}\n");
  try {
    check_cases(bad_extract, CheckOptions{});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 1);
    EXPECT_EQ(e.field(), "extract");
  }
  auto not_json = write("c.jsonl", "{\"gold\": \"1\", \"pred\": \n");
  EXPECT_THROW(check_cases(not_json, CheckOptions{}), InputError);
  auto bad_type = write("d.jsonl", "{\"gold\": \"1\", \"pred\": \"1\"}\n{\"gold\": \"1\", \"pred\": \"1\", \"answer_type\": \"Matrix\"}\n");
  try {
    check_cases(bad_type, CheckOptions{});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2);
    EXPECT_EQ(e.field(), "answer_type");
  }
  auto bad_tolerance = write("e.jsonl", "{\"gold\": \"1\", \"pred\": \"1\", \"tolerance\": \"wide\"}\n");
  try {
    check_cases(bad_tolerance, CheckOptions{});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.field(), "tolerance");
  }
}

// The options of the new answer forms reach each row: the same pair judged two ways.
TEST(Cases, RowFieldsSetTheNewOptions) {
  auto dir = std::filesystem::temp_directory_path() / "rlvr_verify_cases_test";
  std::filesystem::create_directories(dir);
  auto path = dir / "options.jsonl";
  std::ofstream(path) << "{\"gold\": \"BC = 6\", \"pred\": \"6\", \"expected\": true}\n"
                         "{\"gold\": \"BC = 6\", \"pred\": \"6\", \"drop_labels\": false, \"expected\": false}\n"
                         "{\"gold\": \"y = 2x+1\", \"pred\": \"2x+1\", \"answer_type\": \"Equation\", \"expected\": false}\n"
                         "{\"gold\": \"1.5\", \"pred\": \"1.58\", \"tolerance\": \"1e-1\", \"expected\": true}\n"
                         "{\"gold\": \"1.5\", \"pred\": \"1.58\", \"expected\": false}\n";
  CaseSummary s = check_cases(path, CheckOptions{});
  EXPECT_EQ(s.with_expected, 5u);
  EXPECT_EQ(s.agreed, 5u);
  EXPECT_TRUE(s.disagreements.empty());
}

}  // namespace
}  // namespace rlvr::verify
