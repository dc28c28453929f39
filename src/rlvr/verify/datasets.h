// Loaders for the benchmark test sets as the public evaluation code ships
// them (one JSON object a line). Each yields problem id, prompt and the gold
// answer text, ready for check(). Malformed rows throw InputError naming the
// file, line and field.
//
//   gsm8k          id = idx, prompt = question, gold = number after "####" in answer
//   math500        id = unique_id, prompt = problem, gold = answer
//   minerva_math   id = idx, prompt = problem, gold = last \boxed{} in solution
//   olympiadbench  id = id, prompt = question, gold = final_answer (list, joined by ", ")
//   aime24         id = id, prompt = problem, gold = answer
//   amc23          id = id, prompt = question, gold = answer (a number)
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace rlvr::verify {

struct Problem {
  std::string id;
  std::string prompt;
  std::string gold;      // the gold answer text (already extracted where the set needs it)
  std::string solution;  // the reference solution when the set has one
};

// Names accepted by load_dataset.
const std::vector<std::string>& dataset_names();

// Reads <data_dir>/benchmarks/<name>/test.jsonl.
std::vector<Problem> load_dataset(const std::string& name, const std::filesystem::path& data_dir);

// Reads a problems file in the format of dataset `format` (one of dataset_names()).
std::vector<Problem> load_problems_file(const std::filesystem::path& file, const std::string& format);

}  // namespace rlvr::verify
