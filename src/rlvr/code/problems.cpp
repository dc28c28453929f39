#include "rlvr/code/problems.h"

#include <sstream>

#include <nlohmann/json.hpp>

#include "rlvr/util/error.h"
#include "rlvr/util/files.h"

namespace rlvr::code {

using nlohmann::json;

namespace {

std::string text_field(const json& row, const char* field, const std::string& file, long line,
                       bool required = true) {
  if (!row.contains(field)) {
    if (!required) return {};
    throw InputError(file, line, field, "missing");
  }
  const json& v = row[field];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_null() && !required) return {};
  throw InputError(file, line, field, "expected a string");
}

std::vector<std::string> list_field(const json& row, const char* field, const std::string& file, long line,
                                    bool required) {
  std::vector<std::string> out;
  if (!row.contains(field)) {
    if (required) throw InputError(file, line, field, "missing");
    return out;
  }
  if (!row[field].is_array()) throw InputError(file, line, field, "expected a list of strings");
  for (const auto& v : row[field]) {
    if (!v.is_string()) throw InputError(file, line, field, "expected a list of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::vector<CodeProblem> parse(const std::filesystem::path& path, Benchmark benchmark, bool full) {
  const std::string file = path.string();
  std::istringstream input(read_file(path));
  std::vector<CodeProblem> problems;
  std::string text;
  long line = 0;
  while (std::getline(input, text)) {
    ++line;
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    json row = json::parse(text, nullptr, false);
    if (row.is_discarded() || !row.is_object()) throw InputError(file, line, "", "not a JSON object");
    CodeProblem p;
    p.benchmark = benchmark;
    p.id = text_field(row, "task_id", file, line);
    if (benchmark == Benchmark::HumanEval) {
      p.prompt = text_field(row, "prompt", file, line);
      p.reference = text_field(row, "canonical_solution", file, line, false);
      p.entry_point = text_field(row, "entry_point", file, line);
      p.test = text_field(row, "test", file, line);
    } else {
      p.prompt = text_field(row, full ? "text" : "prompt", file, line, false);
      p.reference = text_field(row, "code", file, line, false);
      p.test_list = list_field(row, "test_list", file, line, true);
      p.test_imports = list_field(row, "test_imports", file, line, false);
      p.test_setup = text_field(row, "test_setup_code", file, line, false);
      if (p.test_list.empty()) throw InputError(file, line, "test_list", "empty: a problem needs tests");
    }
    problems.push_back(std::move(p));
  }
  if (problems.empty()) throw InputError(file, 0, "", "no problems in file");
  return problems;
}

bool is_fence_language(const std::string& lang) {
  return lang.empty() || lang == "python" || lang == "py" || lang == "python3" || lang == "Python";
}

// A line "def NAME(" at column 0.
bool defines_at_top(const std::string& code, const std::string& name) {
  const std::string head = "def " + name + "(";
  size_t at = 0;
  while ((at = code.find(head, at)) != std::string::npos) {
    if (at == 0 || code[at - 1] == '\n') return true;
    ++at;
  }
  return false;
}

}  // namespace

const std::vector<std::string>& code_dataset_names() {
  static const std::vector<std::string> names = {"humaneval", "mbpp", "mbpp_full"};
  return names;
}

bool is_code_dataset(const std::string& name) {
  for (const auto& n : code_dataset_names())
    if (n == name) return true;
  return false;
}

std::vector<CodeProblem> load_code_problems_file(const std::filesystem::path& file, const std::string& format) {
  if (format == "humaneval") return parse(file, Benchmark::HumanEval, false);
  if (format == "mbpp") return parse(file, Benchmark::Mbpp, false);
  if (format == "mbpp_full") return parse(file, Benchmark::Mbpp, true);
  throw Error("unknown code dataset '" + format + "': expected humaneval, mbpp or mbpp_full");
}

std::vector<CodeProblem> load_code_dataset(const std::string& name, const std::filesystem::path& data_dir) {
  std::filesystem::path file;
  if (name == "humaneval") file = data_dir / "benchmarks" / "humaneval" / "test.jsonl";
  else if (name == "mbpp") file = data_dir / "benchmarks" / "mbpp" / "test.jsonl";
  else if (name == "mbpp_full") file = data_dir / "benchmarks" / "mbpp" / "full.jsonl";
  else throw Error("unknown code dataset '" + name + "': expected humaneval, mbpp or mbpp_full");
  if (!std::filesystem::exists(file)) throw Error(file.string() + ": not found (set --data-dir or RLVR_DATA_DIR)");
  return load_code_problems_file(file, name);
}

std::string extract_code(const std::string& text) {
  // Collect fenced blocks; prefer the first that defines a function.
  std::vector<std::string> blocks;
  size_t at = 0;
  while ((at = text.find("```", at)) != std::string::npos) {
    size_t eol = text.find('\n', at);
    if (eol == std::string::npos) break;
    std::string lang = text.substr(at + 3, eol - at - 3);
    while (!lang.empty() && (lang.back() == ' ' || lang.back() == '\r')) lang.pop_back();
    size_t close = text.find("```", eol + 1);
    size_t end = close == std::string::npos ? text.size() : close;
    if (is_fence_language(lang)) blocks.push_back(text.substr(eol + 1, end - eol - 1));
    if (close == std::string::npos) break;
    at = close + 3;
  }
  if (blocks.empty()) return text;
  for (const auto& b : blocks)
    if (b.find("def ") != std::string::npos) return b;
  return blocks.front();
}

std::string build_program(const CodeProblem& p, const std::string& completion) {
  const bool fenced = completion.find("```") != std::string::npos;
  const std::string code = fenced ? extract_code(completion) : completion;
  std::string program;
  if (p.benchmark == Benchmark::HumanEval) {
    if (defines_at_top(code, p.entry_point)) {
      // A whole function: the prompt's own stays as a docstring-only stub
      // (helpers and imports of the prompt remain defined), then redefined.
      program = p.prompt + "\n" + code;
    } else {
      program = p.prompt + code;  // the body that continues the prompt
    }
    program += "\n\n" + p.test + "\n\ncheck(" + p.entry_point + ")\n";
    return program;
  }
  for (const auto& line : p.test_imports) program += line + "\n";
  program += code + "\n";
  if (!p.test_setup.empty()) program += p.test_setup + "\n";
  for (const auto& line : p.test_imports) program += line + "\n";
  for (const auto& line : p.test_list) program += line + "\n";
  return program;
}

}  // namespace rlvr::code
