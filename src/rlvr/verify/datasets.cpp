#include "rlvr/verify/datasets.h"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "rlvr/util/error.h"
#include "rlvr/util/json_lines.h"
#include "rlvr/verify/extract.h"

namespace rlvr::verify {

using nlohmann::json;

namespace {

struct Row {
  const json& j;
  const std::string& file;
  long line;

  const json& field(const char* name) const {
    if (!j.contains(name) || j[name].is_null()) throw InputError(file, line, name, "missing");
    return j[name];
  }
  std::string text(const char* name) const {
    const json& v = field(name);
    if (!v.is_string()) throw InputError(file, line, name, "expected a string");
    return v.get<std::string>();
  }
  // An id written as a number or a string.
  std::string id(const char* name) const { return id_of(j, name, file, line); }
};

std::string number_text(double x) {
  if (std::isfinite(x) && std::floor(x) == x && std::fabs(x) < 1e15) return fmt::format("{}", static_cast<long long>(x));
  return fmt::format("{}", x);
}

std::string strip_dollars(std::string s) {
  while (!s.empty() && (s.front() == '$' || s.front() == ' ')) s.erase(s.begin());
  while (!s.empty() && (s.back() == '$' || s.back() == ' ')) s.pop_back();
  return s;
}

Problem read_problem(const Row& r, const std::string& format) {
  Problem p;
  if (format == "gsm8k") {
    p.id = r.id("idx");
    p.prompt = r.text("question");
    p.solution = r.text("answer");
    auto gold = gsm8k_gold(p.solution);
    if (!gold) throw InputError(r.file, r.line, "answer", "expected the gold answer after \"####\"");
    p.gold = *gold;
  } else if (format == "math500") {
    p.id = r.id("unique_id");
    p.prompt = r.text("problem");
    p.solution = r.text("solution");
    p.gold = r.text("answer");
  } else if (format == "minerva_math") {
    p.id = r.id("idx");
    p.prompt = r.text("problem");
    p.solution = r.text("solution");
    auto gold = last_boxed(p.solution);
    if (!gold) throw InputError(r.file, r.line, "solution", "expected a \\boxed{} answer in the solution");
    p.gold = *gold;
  } else if (format == "olympiadbench") {
    p.id = r.id("id");
    p.prompt = r.text("question");
    const json& answers = r.field("final_answer");
    if (!answers.is_array() || answers.empty()) throw InputError(r.file, r.line, "final_answer", "expected a non-empty list of strings");
    for (const auto& a : answers) {
      if (!a.is_string()) throw InputError(r.file, r.line, "final_answer", "expected a list of strings");
      if (!p.gold.empty()) p.gold += ", ";
      p.gold += strip_dollars(a.get<std::string>());
    }
    if (r.j.contains("answer_type") && !r.j["answer_type"].is_null()) {
      try {
        p.answer_type = parse_answer_type(r.text("answer_type"));
      } catch (const InputError&) {
        throw;
      } catch (const Error& e) {
        throw InputError(r.file, r.line, "answer_type", e.what());
      }
    }
    if (r.j.contains("error") && !r.j["error"].is_null()) {
      const json& e = r.j["error"];
      double value = -1;
      try {
        value = e.is_number() ? e.get<double>() : std::stod(r.text("error"));
      } catch (const std::invalid_argument&) {
      } catch (const std::out_of_range&) {
      }
      if (!(value >= 0)) throw InputError(r.file, r.line, "error", "expected a tolerance such as \"1e-1\"");
      p.tolerance = value;
    }
    if (r.j.contains("solution") && r.j["solution"].is_array() && !r.j["solution"].empty() && r.j["solution"][0].is_string())
      p.solution = r.j["solution"][0].get<std::string>();
  } else if (format == "aime24") {
    p.id = r.id("id");
    p.prompt = r.text("problem");
    const json& a = r.field("answer");
    p.gold = a.is_number() ? number_text(a.get<double>()) : r.text("answer");
  } else if (format == "amc23") {
    p.id = r.id("id");
    p.prompt = r.text("question");
    const json& a = r.field("answer");
    if (a.is_number()) p.gold = number_text(a.get<double>());
    else p.gold = r.text("answer");
  } else {
    throw Error("unknown dataset format '" + format + "' (expected one of gsm8k, math500, minerva_math, olympiadbench, aime24, amc23)");
  }
  return p;
}

}  // namespace

CheckOptions options_for(const Problem& problem, const CheckOptions& base) {
  CheckOptions o = base;
  if (problem.answer_type != AnswerType::Any) o.answer_type = problem.answer_type;
  if (problem.tolerance >= 0) o.tolerance = problem.tolerance;
  return o;
}

const std::vector<std::string>& dataset_names() {
  static const std::vector<std::string> names = {"gsm8k", "math500", "minerva_math", "olympiadbench", "aime24", "amc23"};
  return names;
}

std::vector<Problem> load_problems_file(const std::filesystem::path& path, const std::string& format) {
  const std::string file = path.string();
  std::vector<Problem> problems;
  for_each_json_line(path, [&](const json& j, long line) { problems.push_back(read_problem(Row{j, file, line}, format)); });
  if (problems.empty()) throw InputError(file, 0, "", "no problems in file");
  return problems;
}

std::vector<Problem> load_dataset(const std::string& name, const std::filesystem::path& data_dir) {
  bool known = false;
  for (const auto& n : dataset_names()) known = known || n == name;
  if (!known) throw Error("unknown dataset '" + name + "' (expected one of gsm8k, math500, minerva_math, olympiadbench, aime24, amc23)");
  if (data_dir.empty()) throw Error("no data directory: set RLVR_DATA_DIR or pass --data-dir");
  return load_problems_file(data_dir / "benchmarks" / name / "test.jsonl", name);
}

}  // namespace rlvr::verify
