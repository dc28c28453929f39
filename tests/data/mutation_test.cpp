// Damaged files never crash the reader and never produce anything but a
// result or an InputError naming the file: seeded random byte edits of valid
// files in each format.
#include <fstream>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "rlvr/data/sample_reader.h"
#include "rlvr/util/error.h"
#include "support/temp_dir.h"

namespace {

void mutate_and_read(const TempDir& dir, const std::string& name, const std::string& valid, uint64_t seed) {
  std::mt19937_64 random(seed);
  const std::string alphabet = "{}[]\":,0123456789.-+eEtrufalsn \\\n\r\x80\xff";
  int accepted = 0, refused = 0;
  for (int round = 0; round < 200; ++round) {
    std::string text = valid;
    int edits = 1 + static_cast<int>(random() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      size_t at = random() % text.size();
      switch (random() % 3) {
        case 0: text[at] = alphabet[random() % alphabet.size()]; break;
        case 1: text.erase(at, 1 + random() % 8); break;
        default: text.insert(at, 1, alphabet[random() % alphabet.size()]); break;
      }
    }
    auto path = dir.path() / name;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;  // no fsync: hundreds of rounds
    try {
      auto samples = rlvr::data::read_sample_file(path, {rlvr::data::InputFormat::automatic, 1 + round % 2});
      for (const auto& [id, p] : samples.problems) {
        ASSERT_GE(p.n, 1);
        ASSERT_GE(p.correct, 0);
        ASSERT_LE(p.correct, p.n);
      }
      ++accepted;
    } catch (const rlvr::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
      ++refused;
    }
  }
  EXPECT_GT(refused, 0);
}

}  // namespace

TEST(SampleReaderMutations, FlatSamples) {
  TempDir dir;
  std::string valid;
  for (int i = 0; i < 20; ++i)
    valid += "{\"problem_id\": " + std::to_string(i % 4) + ", \"correct\": " + (i % 3 ? "false" : "true") +
             ", \"answer\": \"" + std::to_string(i % 5) + "\", \"tokens\": 17, \"logprob\": -3.5}\n";
  mutate_and_read(dir, "s.jsonl", valid, 1);
}

TEST(SampleReaderMutations, ReferenceRows) {
  TempDir dir;
  std::string valid;
  for (int i = 0; i < 6; ++i)
    valid += "{\"idx\": " + std::to_string(i) +
             ", \"gt\": \"2\", \"code\": [\"a\", \"b\", \"c\"], \"pred\": [\"2\", \"3\", null], \"score\": [true, false, false]}\n";
  mutate_and_read(dir, "r.jsonl", valid, 2);
}

TEST(SampleReaderMutations, Counts) {
  TempDir dir;
  mutate_and_read(dir, "c.csv", "problem_id,n,correct\n1,8,3\n2,8,0\n\"x,y\",4,4\n", 3);
  mutate_and_read(dir, "c.jsonl", "{\"problem_id\": 1, \"n\": 8, \"correct\": 3}\n{\"problem_id\": \"b\", \"n\": 2, \"correct\": 0}\n", 4);
}
