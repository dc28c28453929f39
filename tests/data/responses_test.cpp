#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rlvr/data/responses.h"
#include "support/input_error.h"
#include "support/temp_dir.h"

using rlvr::data::read_responses;
using rlvr::data::Response;
using rlvr::data::spread_evenly;

namespace {

const std::map<std::string, std::string> kPrompts = {{"p1", "1+1="}, {"7", "2+2="}};

}  // namespace

TEST(Responses, JoinEachCompletionWithItsPromptAndKeepHowItEnded) {
  TempDir dir;
  auto file = dir.write("samples.jsonl",
                        R"({"problem_id": "p1", "completion": "2", "finish_reason": "eos"})"
                        "\n\n"
                        R"({"problem_id": 7, "completion": "4", "finish_reason": "stop", "stop_reason": "\n"})"
                        "\n"
                        R"({"problem_id": "p1", "completion": ""})"
                        "\n");
  std::vector<Response> responses = read_responses(file, kPrompts);
  ASSERT_EQ(responses.size(), 3u);
  EXPECT_EQ(responses[0].prompt, "1+1=");
  EXPECT_EQ(responses[0].completion, "2");
  EXPECT_EQ(responses[0].finish_reason, "eos");
  EXPECT_FALSE(responses[0].stop_string);
  EXPECT_EQ(responses[1].prompt, "2+2=");
  EXPECT_EQ(responses[1].finish_reason, "stop");
  EXPECT_TRUE(responses[1].stop_string);
  EXPECT_EQ(responses[2].finish_reason, "");
  EXPECT_FALSE(responses[2].stop_string);
}

TEST(Responses, NameTheLineAndFieldOfABadRow) {
  TempDir dir;
  auto unknown = dir.write("unknown.jsonl", "{\"problem_id\": \"p1\", \"completion\": \"2\"}\n"
                                            "{\"problem_id\": \"p9\", \"completion\": \"2\"}\n");
  expect_input_error([&] { read_responses(unknown, kPrompts); }, unknown, 2, "problem_id", "unknown problem 'p9'");
  auto missing = dir.write("missing.jsonl", "{\"problem_id\": \"p1\", \"completion\": null}\n");
  expect_input_error([&] { read_responses(missing, kPrompts); }, missing, 1, "completion", "expected the completion text");
}

TEST(Responses, SpreadEvenlyPicksEveryNthAndKeepsAllWhenFewer) {
  std::vector<Response> all;
  for (int i = 0; i < 10; ++i) all.push_back({"p", std::to_string(i), "eos", false});
  auto texts = [](const std::vector<Response>& responses) {
    std::vector<std::string> out;
    for (const Response& r : responses) out.push_back(r.completion);
    return out;
  };
  EXPECT_EQ(texts(spread_evenly(all, 4)), (std::vector<std::string>{"0", "2", "5", "7"}));
  EXPECT_EQ(texts(spread_evenly(all, 10)).size(), 10u);
  EXPECT_EQ(texts(spread_evenly(all, 0)).size(), 10u);  // 0: all
  EXPECT_EQ(texts(spread_evenly(all, 50)).size(), 10u);
}

// Servers answer out of order and a resumed run appends what was missing:
// the lines' order must not change which responses are picked.
TEST(Responses, SpreadEvenlyPicksTheSameWhateverTheOrderOfTheLines) {
  std::vector<Response> all;
  for (int i = 0; i < 30; ++i) all.push_back({"p" + std::to_string(i % 7), std::to_string(i), "stop", false});
  std::vector<Response> reversed(all.rbegin(), all.rend());
  auto picked = [](const std::vector<Response>& responses) {
    std::vector<std::string> out;
    for (const Response& r : spread_evenly(responses, 8)) out.push_back(r.prompt + "/" + r.completion);
    return out;
  };
  EXPECT_EQ(picked(all), picked(reversed));
  EXPECT_EQ(picked(all).size(), 8u);
}
