// Code benchmarks and how a model's completion becomes a program to run.
//   humaneval  data/benchmarks/humaneval/test.jsonl (164): id = task_id,
//              program = prompt + completion + test + "check(entry_point)"
//   mbpp       data/benchmarks/mbpp/test.jsonl, sanitized (427 over all splits)
//   mbpp_full  data/benchmarks/mbpp/full.jsonl (974)
//              MBPP: id = task_id, program = test_imports + code +
//              test_setup_code + test_imports + the test_list assertions
// A completion that holds a fenced code block (a chat answer) is judged by
// the code in it; for HumanEval a full function is placed after the prompt,
// whose own function then stands as a stub that the answer redefines.
// Malformed rows throw InputError naming the file, line and field.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace rlvr::code {

enum class Benchmark { HumanEval, Mbpp };

struct CodeProblem {
  std::string id;
  Benchmark benchmark = Benchmark::HumanEval;
  std::string prompt;       // HumanEval: the function header and docstring; MBPP: the task text
  std::string reference;    // the reference solution, as a completion
  std::string entry_point;  // HumanEval
  std::string test;         // HumanEval: the test code defining check()
  std::vector<std::string> test_imports, test_list;  // MBPP
  std::string test_setup;                            // MBPP full
};

// "humaneval", "mbpp", "mbpp_full".
const std::vector<std::string>& code_dataset_names();
bool is_code_dataset(const std::string& name);

// Reads the set from <data_dir>/benchmarks/ (mbpp_full: mbpp/full.jsonl).
std::vector<CodeProblem> load_code_dataset(const std::string& name, const std::filesystem::path& data_dir);

// Reads a problems file in the layout of one of code_dataset_names().
std::vector<CodeProblem> load_code_problems_file(const std::filesystem::path& file, const std::string& format);

// The code of the first fenced block (```python, ```py or ```) in `text`;
// the text itself when it has none.
std::string extract_code(const std::string& text);

// The whole program that runs the completion against the problem's tests.
std::string build_program(const CodeProblem& problem, const std::string& completion);

}  // namespace rlvr::code
