#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "rlvr/data/sample_reader.h"
#include "rlvr/util/error.h"
#include "support/input_error.h"
#include "support/temp_dir.h"

using rlvr::data::InputFormat;
using rlvr::data::read_model_files;
using rlvr::data::read_sample_file;

TEST(SampleReader, FlatSamplesCountPerProblemAndKeepAnswers) {
  TempDir dir;
  auto file = dir.write("s.jsonl",
                        "{\"problem_id\": 7, \"correct\": true, \"answer\": \"3\", \"sample_id\": 0}\n"
                        "{\"problem_id\": \"7\", \"correct\": false, \"answer\": \"4\", \"tokens\": 12}\n"
                        "\n"
                        "{\"problem_id\": 7, \"correct\": true, \"answer\": 3, \"logprob\": -1.5}\n"
                        "{\"problem_id\": \"b\", \"correct\": 0, \"answer\": null, \"steps_valid\": true}\n"
                        "{\"problem_id\": \"b\", \"correct\": true, \"answer\": \"\", \"steps_valid\": false}\n");
  auto samples = read_sample_file(file);
  ASSERT_EQ(samples.problems.size(), 2u);
  const auto& p7 = samples.problems.at("7");  // integer and string ids are one problem
  EXPECT_EQ(p7.n, 3);
  EXPECT_EQ(p7.correct, 2);
  ASSERT_EQ(p7.answers.size(), 2u);
  EXPECT_EQ(p7.answers.at("3").samples, 2);  // the number 3 and the string "3" agree
  EXPECT_EQ(p7.answers.at("3").correct, 2);
  EXPECT_EQ(p7.answers.at("4").correct, 0);
  const auto& pb = samples.problems.at("b");
  EXPECT_EQ(pb.n, 2);
  EXPECT_EQ(pb.correct, 1);
  EXPECT_EQ(pb.abstained, 2);  // null and "" cast no vote
  EXPECT_EQ(pb.steps_judged, 2);
  EXPECT_EQ(pb.steps_valid, 1);
  EXPECT_EQ(pb.correct_steps_valid, 0);
  EXPECT_TRUE(samples.has_answers());
}

TEST(SampleReader, ReferenceRowsGiveOneProblemPerLine) {
  TempDir dir;
  auto file = dir.write("ref.jsonl",
                        "{\"idx\": 0, \"gt\": \"2\", \"code\": [\"a\", \"b\", \"c\"], \"pred\": [\"2\", \"3\", \"2\"], "
                        "\"score\": [true, false, true], \"finish_reason\": [\"stop\", \"stop\", \"length\"]}\n"
                        "{\"idx\": 1, \"gt\": \"5\", \"code\": [\"x\", \"y\"], \"pred\": [\"\", \"1\"], \"score\": [false, false]}\n");
  EXPECT_EQ(rlvr::data::detect_input_format(file, rlvr::read_file(file)), InputFormat::reference);
  auto samples = read_sample_file(file);
  ASSERT_EQ(samples.problems.size(), 2u);
  EXPECT_EQ(samples.problems.at("0").n, 3);
  EXPECT_EQ(samples.problems.at("0").correct, 2);
  EXPECT_EQ(samples.problems.at("0").answers.at("2").samples, 2);
  EXPECT_EQ(samples.problems.at("1").n, 2);
  EXPECT_EQ(samples.problems.at("1").correct, 0);
  EXPECT_EQ(samples.problems.at("1").abstained, 1);
}

TEST(SampleReader, CountsAsCsvAndJsonLines) {
  TempDir dir;
  auto csv = dir.write("c.csv", "model,problem_id,correct,n\nx,\"p,1\",3,8\nx,2,0,8\n");
  auto jsonl = dir.write("c.jsonl", "{\"problem_id\": 2, \"n\": 4, \"correct\": 4}\n");
  auto a = read_sample_file(csv);
  EXPECT_EQ(a.problems.at("p,1").n, 8);
  EXPECT_EQ(a.problems.at("p,1").correct, 3);
  EXPECT_FALSE(a.has_answers());  // counts carry no answers
  auto b = read_sample_file(jsonl);
  EXPECT_EQ(b.problems.at("2").correct, 4);
  EXPECT_EQ(rlvr::data::detect_input_format(jsonl, rlvr::read_file(jsonl)), InputFormat::counts);
}

TEST(SampleReader, ShardsOfOneModelAdd) {
  TempDir dir;
  auto a = dir.write("seed0.jsonl", "{\"problem_id\": 1, \"correct\": true, \"answer\": \"x\"}\n"
                                    "{\"problem_id\": 2, \"correct\": false, \"answer\": \"y\"}\n");
  auto b = dir.write("seed1.jsonl", "{\"problem_id\": 1, \"correct\": false, \"answer\": \"x\"}\n"
                                    "{\"problem_id\": 3, \"correct\": true, \"answer\": \"z\"}\n");
  auto c = dir.write("more.csv", "problem_id,n,correct\n1,10,4\n");
  auto merged = read_model_files({a, b, c});
  EXPECT_EQ(merged.problems.size(), 3u);
  EXPECT_EQ(merged.problems.at("1").n, 12);
  EXPECT_EQ(merged.problems.at("1").correct, 5);
  EXPECT_EQ(merged.problems.at("1").answers.at("x").samples, 2);
  EXPECT_EQ(merged.problems.at("1").samples_without_answer_field(), 10);
  EXPECT_FALSE(merged.has_answers());
  EXPECT_EQ(merged.files.size(), 3u);
  expect_input_error([&] { read_model_files({a, a}); }, a, 0, "", "named twice");
}

TEST(SampleReader, ForcedFormatOverridesDetection) {
  TempDir dir;
  auto file = dir.write("s.jsonl", "{\"problem_id\": 1, \"correct\": true}\n");
  EXPECT_EQ(read_sample_file(file, {InputFormat::samples, 1}).problems.at("1").n, 1);
  expect_input_error([&] { read_sample_file(file, {InputFormat::counts, 1}); }, file, 1, "correct",
                     "expected an integer");
  EXPECT_THROW(rlvr::data::parse_input_format("parquet"), rlvr::Error);
}

TEST(SampleReaderErrors, BadJsonNamesTheLine) {
  TempDir dir;
  auto file = dir.write("s.jsonl", "{\"problem_id\": 1, \"correct\": true}\n{\"problem_id\": 1, correct: true}\n");
  expect_input_error([&] { read_sample_file(file); }, file, 2, "", "not valid JSON");
}

TEST(SampleReaderErrors, MissingFieldIsNamed) {
  TempDir dir;
  auto file = dir.write("s.jsonl", "{\"problem_id\": 1, \"correct\": true}\n\n{\"problem_id\": 2}\n");
  expect_input_error([&] { read_sample_file(file); }, file, 3, "correct", "missing");
  auto ref = dir.write("r.jsonl", "{\"idx\": 1, \"score\": [true]}\n{\"idx\": 2, \"gt\": \"1\", \"pred\": [\"1\"]}\n");
  expect_input_error([&] { read_sample_file(ref); }, ref, 2, "score", "missing");
  auto csv = dir.write("c.csv", "problem_id,n\n1,3\n");
  expect_input_error([&] { read_sample_file(csv); }, csv, 1, "correct", "missing from the header");
}

TEST(SampleReaderErrors, WrongTypeIsNamed) {
  TempDir dir;
  auto file = dir.write("s.jsonl", "{\"problem_id\": 1, \"correct\": \"yes\"}\n");
  expect_input_error([&] { read_sample_file(file); }, file, 1, "correct", "expected a boolean");
  auto id = dir.write("i.jsonl", "{\"problem_id\": 1.5, \"correct\": true}\n");
  expect_input_error([&] { read_sample_file(id); }, id, 1, "problem_id", "a string or an integer");
  auto empty_id = dir.write("e.jsonl", "{\"problem_id\": \"\", \"correct\": true}\n");
  expect_input_error([&] { read_sample_file(empty_id); }, empty_id, 1, "problem_id", "empty");
  auto ref = dir.write("r.jsonl", "{\"idx\": 1, \"score\": [true, \"no\"]}\n");
  expect_input_error([&] { read_sample_file(ref); }, ref, 1, "score", "expected a boolean");
  auto pred = dir.write("p.jsonl", "{\"idx\": 1, \"score\": [true, false], \"pred\": [\"1\"]}\n");
  expect_input_error([&] { read_sample_file(pred); }, pred, 1, "pred", "has 1 answers but score has 2");
  auto csv = dir.write("c.csv", "problem_id,n,correct\n1,3,2\n2,three,1\n");
  expect_input_error([&] { read_sample_file(csv); }, csv, 3, "n", "expected an integer");
}

TEST(SampleReaderErrors, CorrectAboveNIsRefused) {
  TempDir dir;
  auto csv = dir.write("c.csv", "problem_id,n,correct\n1,3,4\n");
  expect_input_error([&] { read_sample_file(csv); }, csv, 2, "correct", "correct = 4 is larger than n = 3");
  auto jsonl = dir.write("c.jsonl", "{\"problem_id\": 1, \"n\": 2, \"correct\": 1}\n{\"problem_id\": 1, \"n\": 2, \"correct\": 3}\n");
  expect_input_error([&] { read_sample_file(jsonl); }, jsonl, 2, "correct", "larger than n");
}

TEST(SampleReaderErrors, EmptyFileIsRefused) {
  TempDir dir;
  auto empty = dir.write("e.jsonl", "");
  expect_input_error([&] { read_sample_file(empty); }, empty, 0, "", "empty");
  auto blank = dir.write("b.jsonl", "\n  \n");
  expect_input_error([&] { read_sample_file(blank); }, blank, 0, "", "empty");
  auto header_only = dir.write("h.csv", "problem_id,n,correct\n");
  expect_input_error([&] { read_sample_file(header_only); }, header_only, 0, "", "empty");
}

TEST(SampleReaderErrors, TornLastLineIsAnError) {
  TempDir dir;
  auto file = dir.write("s.jsonl", "{\"problem_id\": 1, \"correct\": true}\n{\"problem_id\": 1, \"corr");
  expect_input_error([&] { read_sample_file(file); }, file, 2, "", "torn");
}

// Files over 1 MiB are parsed in parallel chunks: the counts and the line of
// an error must not depend on the thread count.
TEST(SampleReader, ParallelChunksAgreeWithOneThread) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 40000; ++i)
    text += fmt::format("{{\"problem_id\": {}, \"correct\": {}, \"answer\": \"{}\"}}\n", i % 97,
                        i % 3 == 0 ? "true" : "false", i % 5);
  auto file = dir.write("big.jsonl", text);
  auto one = read_sample_file(file, {InputFormat::automatic, 1});
  auto four = read_sample_file(file, {InputFormat::automatic, 4});
  ASSERT_EQ(one.problems.size(), 97u);
  for (const auto& [id, p] : one.problems) {
    const auto& q = four.problems.at(id);
    EXPECT_EQ(p.n, q.n);
    EXPECT_EQ(p.correct, q.correct);
    EXPECT_EQ(p.answers.size(), q.answers.size());
    for (const auto& [answer, count] : p.answers) EXPECT_EQ(q.answers.at(answer).samples, count.samples);
  }
  int64_t total = 0;
  for (const auto& [id, p] : four.problems) total += p.n;
  EXPECT_EQ(total, 40000);
  // A bad line late in the file (inside the last chunk).
  text += "{\"problem_id\": 1, \"correct\": null}\n";
  auto bad = dir.write("bad.jsonl", text);
  expect_input_error([&] { read_sample_file(bad, {InputFormat::automatic, 4}); }, bad, 40001, "correct",
                     "expected a boolean");
}

// The fast document-stream pass must refuse what the line-by-line pass refuses.
TEST(SampleReaderErrors, OneObjectPerLine) {
  TempDir dir;
  auto two = dir.write("two.jsonl", "{\"problem_id\": 1, \"correct\": true}{\"problem_id\": 2, \"correct\": true}\n");
  expect_input_error([&] { read_sample_file(two); }, two, 1, "", "not valid JSON");
  auto split = dir.write("split.jsonl", "{\"problem_id\": 1, \"correct\": true}\n{\"problem_id\": 1,\n\"correct\": true}\n");
  expect_input_error([&] { read_sample_file(split); }, split, 2, "", "not valid JSON");
  auto scalar = dir.write("scalar.jsonl", "{\"problem_id\": 1, \"correct\": true}\n17\n");
  expect_input_error([&] { read_sample_file(scalar); }, scalar, 2, "", "expected a JSON object");
}

// Answers that share a length and most bytes are still told apart.
TEST(SampleReader, SimilarAnswersStayDistinct) {
  TempDir dir;
  std::vector<std::string> answers{"a",      "b",        "ab",        "ba",        "abc",           "acb",
                                   "12345",  "12354",    "52341",     "123456789", "123456780",     "0123456789",
                                   "1234567890123", "1234567890124", "x y", "x\\u00e9"};
  std::string text;
  for (size_t i = 0; i < answers.size(); ++i)
    for (size_t r = 0; r <= i; ++r)  // answer i appears i + 1 times
      text += "{\"problem_id\": 1, \"correct\": " + std::string(r == 0 ? "true" : "false") + ", \"answer\": \"" +
              answers[i] + "\"}\n";
  auto samples = read_sample_file(dir.write("s.jsonl", text));
  const auto& p = samples.problems.at("1");
  ASSERT_EQ(p.answers.size(), answers.size());
  for (size_t i = 0; i < answers.size(); ++i) {
    std::string key = answers[i] == "x\\u00e9" ? std::string("x\xc3\xa9") : answers[i];
    ASSERT_TRUE(p.answers.count(key)) << key;
    EXPECT_EQ(p.answers.at(key).samples, static_cast<int64_t>(i + 1)) << key;
    EXPECT_EQ(p.answers.at(key).correct, 1) << key;
  }
}
