// Loaders for the benchmark test sets as the public evaluation code ships
// them (one JSON object a line). Each yields problem id, prompt and the gold
// answer text, ready for check(). Malformed rows throw InputError naming the
// file, line and field.
//
//   gsm8k          id = idx, prompt = question, gold = number after "####" in answer
//   math500        id = unique_id, prompt = problem, gold = answer
//   minerva_math   id = idx, prompt = problem, gold = last \boxed{} in solution
//   olympiadbench  id = id, prompt = question, gold = final_answer (list, joined by ", "),
//                  answer_type = answer_type, tolerance = error (absolute, when given),
//                  solution = the first reference solution
//   aime24         id = id, prompt = problem, gold = answer
//   amc23          id = id, prompt = question, gold = answer (a number)
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "rlvr/verify/equivalence.h"

namespace rlvr::verify {

struct Problem {
  std::string id;
  std::string prompt;
  std::string gold;      // the gold answer text (already extracted where the set needs it)
  std::string solution;  // the reference solution when the set has one
  // What the dataset says about the gold (OlympiadBench): its answer type and an
  // absolute tolerance for numbers (negative: none). Applied by options_for().
  AnswerType answer_type = AnswerType::Any;
  double tolerance = -1;
};

// The check options for this problem: `base` with the problem's answer type and tolerance.
CheckOptions options_for(const Problem& problem, const CheckOptions& base);

// Names accepted by load_dataset.
const std::vector<std::string>& dataset_names();

// Reads <data_dir>/benchmarks/<name>/test.jsonl.
std::vector<Problem> load_dataset(const std::string& name, const std::filesystem::path& data_dir);

// Reads a problems file in the format of dataset `format` (one of dataset_names()).
std::vector<Problem> load_problems_file(const std::filesystem::path& file, const std::string& format);

}  // namespace rlvr::verify
