// The flat sample file: every (problem, sample) pair once, and a killed run
// (torn last line) resumes into exactly the file an uninterrupted run writes.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "model_test_support.h"
#include "rlvr/model/checkpoint.h"
#include "rlvr/model/sample_file.h"
#include "rlvr/util/files.h"

using namespace rlvr::model;
using namespace rlvr::model::testing;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

}  // namespace

TEST(SampleFile, ResumesAfterATornLineIntoTheSameFile) {
  Tokenizer tok = digits_tokenizer();
  fs::path dir = fresh_temp_dir("samplefile");
  save_model(dir / "model", peaked_model(small_config(tok.vocab_size()), 2), tok);
  std::vector<SampleProblem> problems{{"p0", "1+2="}, {"p1", "22+3="}, {"p2", "7*7="}, {"p3", "9="}};
  SampleVerifier verify = [](size_t problem, const std::string& completion) {
    SampleVerdict v;
    v.answer = completion.substr(0, 1);
    v.correct = (problem % 2 == 0) == (completion.size() % 2 == 0);
    v.steps_valid = v.correct;
    return v;
  };
  SampleRunOptions options;
  options.samples_per_problem = 5;
  options.seed = 17;
  options.sampling.max_new_tokens = 12;
  options.sampling.batch_size = 3;
  auto first = sample_to_file(dir / "model", problems, verify, options, dir / "full.jsonl");
  EXPECT_EQ(first.written, 20);
  EXPECT_FALSE(first.dropped_torn_line);
  std::string full = rlvr::read_file(dir / "full.jsonl");
  auto lines = lines_of(full);
  ASSERT_EQ(lines.size(), 20u);
  EXPECT_NE(lines[6].find(R"("problem_id":"p1","sample_id":1,)"), std::string::npos) << lines[6];

  // A run killed in the middle of line 9.
  size_t cut = 0;
  for (int k = 0; k < 8; ++k) cut = full.find('\n', cut) + 1;
  rlvr::write_file_atomically(dir / "killed.jsonl", full.substr(0, cut + 25));
  options.sampling.batch_size = 8;  // the resumed run may batch differently
  auto resumed = sample_to_file(dir / "model", problems, verify, options, dir / "killed.jsonl");
  EXPECT_TRUE(resumed.dropped_torn_line);
  EXPECT_EQ(resumed.already_present, 8);
  EXPECT_EQ(resumed.written, 12);
  // The same samples in the same order; log-probs agree up to float rounding
  // of the differently batched matrix products.
  auto resumed_lines = lines_of(rlvr::read_file(dir / "killed.jsonl"));
  ASSERT_EQ(resumed_lines.size(), lines.size());
  for (size_t k = 0; k < lines.size(); ++k) {
    auto a = nlohmann::json::parse(lines[k]), b = nlohmann::json::parse(resumed_lines[k]);
    EXPECT_NEAR(a["logprob"].get<double>(), b["logprob"].get<double>(), 1e-4) << k;
    a.erase("logprob");
    b.erase("logprob");
    EXPECT_EQ(a, b) << "line " << k + 1;
  }

  // Running again finds everything present and writes nothing.
  auto again = sample_to_file(dir / "model", problems, verify, options, dir / "killed.jsonl");
  EXPECT_EQ(again.written, 0);
  EXPECT_EQ(again.already_present, 20);
  fs::remove_all(dir);
}
