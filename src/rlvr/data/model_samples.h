// What the instrument knows about one model after reading its sample files:
// per problem, how many samples and how many were correct, and (where the
// files carry extracted answers) how often each distinct answer occurred.
// Counts only, so that shards and seeds merge by adding.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <string>
#include <unordered_map>
#include <vector>

namespace rlvr::data {

struct AnswerCount {
  int64_t samples = 0;  // samples whose extracted answer is this string
  int64_t correct = 0;  // of those, how many the grader marked correct
};

// Hashes std::string and std::string_view alike, so that a lookup with a
// view into the file allocates nothing.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Distinct answer -> counts. Unordered: code that needs an order (maj@k)
// sorts by key, so nothing depends on the order samples were read in.
using AnswerCounts = std::unordered_map<std::string, AnswerCount, StringHash, std::equal_to<>>;

struct ProblemSamples {
  int64_t n = 0;        // samples
  int64_t correct = 0;  // correct samples
  // Extracted answers, exact strings. A sample whose answer was present but
  // null or empty is counted in `abstained` (it casts no vote).
  AnswerCounts answers;
  int64_t abstained = 0;
  // Samples that carried `steps_valid` (a judgement of the reasoning, not
  // only the final answer), how many were valid, and how many were both
  // valid and correct.
  int64_t steps_judged = 0, steps_valid = 0, correct_steps_valid = 0;

  // Samples whose answer is unknown (count files, rows without answers).
  int64_t samples_without_answer_field() const;
  void add(const ProblemSamples& other);  // merge of shards: counts add
};

struct ModelSamples {
  std::unordered_map<std::string, ProblemSamples> problems;
  std::vector<std::filesystem::path> files;  // in the order they were read

  void add(const ModelSamples& other);
  // True when every sample of every problem carried an answer field, so that
  // majority voting is defined.
  bool has_answers() const;
};

}  // namespace rlvr::data
