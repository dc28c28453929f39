#include "rlvr/code/labeling.h"

#include <chrono>
#include <cmath>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "rlvr/util/error.h"
#include "rlvr/util/files.h"
#include "rlvr/util/json_lines.h"
#include "rlvr/util/progress.h"

namespace rlvr::code {

using nlohmann::json;

namespace {

double rounded(double seconds) { return std::round(seconds * 1000.0) / 1000.0; }

}  // namespace

CodeLabelSummary label_code_samples(const std::filesystem::path& samples, const std::filesystem::path& out,
                                    const std::vector<CodeProblem>& problems, const JudgeOptions& options) {
  const std::string file = samples.string();
  std::vector<JsonLine> lines = read_json_lines(samples);
  if (lines.empty()) throw InputError(file, 0, "", "no samples in file");
  if (problems.empty())
    throw Error(file + ": code samples need their problems: pass --dataset NAME or --problems FILE");

  CodeLabelSummary summary;
  const json& first = lines.front().row;
  const bool reference = first.contains("idx") && first.contains("code");
  const bool flat = first.contains("completion");
  if (!reference && !flat)
    throw InputError(
        file, lines.front().number, "",
        "unknown sample format: expected flat samples (problem_id, completion) or reference rows (idx, code)");
  summary.format = reference ? "reference" : "flat";
  summary.isolation = sandbox::isolation_name(options.sandbox);

  // Ids: "HumanEval/3" or "3" ("Mbpp/2" or "2"): the part after the last '/' or '-' also finds it.
  std::unordered_map<std::string, const CodeProblem*> by_id;
  for (const auto& p : problems) by_id.emplace(p.id, &p);
  for (const auto& p : problems) {
    size_t cut = p.id.find_last_of("-/");
    if (cut != std::string::npos) by_id.emplace(p.id.substr(cut + 1), &p);
  }
  auto find = [&](const std::string& id) -> const CodeProblem* {
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      size_t cut = id.find_last_of("-/");
      if (cut != std::string::npos) it = by_id.find(id.substr(cut + 1));
    }
    return it == by_id.end() ? nullptr : it->second;
  };

  // Validate every row and build every program before anything runs.
  std::vector<std::string> programs;
  std::vector<size_t> first_program(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    const json& row = lines[i].row;
    const long ln = lines[i].number;
    first_program[i] = programs.size();
    const char* id_field = reference ? "idx" : "problem_id";
    std::string id = id_of(row, id_field, samples, ln);
    const CodeProblem* problem = find(id);
    if (!problem) throw InputError(file, ln, id_field, "no problem with id '" + id + "' in the problem list");
    if (reference) {
      if (!row.contains("code") || !row["code"].is_array())
        throw InputError(file, ln, "code", "expected a list of completions");
      for (const auto& c : row["code"]) {
        if (!c.is_string()) throw InputError(file, ln, "code", "expected a list of strings");
        programs.push_back(build_program(*problem, c.get<std::string>()));
      }
      if (row["code"].empty()) throw InputError(file, ln, "code", "empty: expected at least one completion");
    } else {
      if (!row.contains("completion")) throw InputError(file, ln, "completion", "missing");
      const json& c = row["completion"];
      if (!c.is_string() && !c.is_null()) throw InputError(file, ln, "completion", "expected a string or null");
      programs.push_back(build_program(*problem, c.is_null() ? std::string() : c.get<std::string>()));
    }
  }
  summary.rows = lines.size();
  summary.samples = programs.size();

  if (!options.sandbox.unsafe_no_sandbox) sandbox::require_sandbox_support(options.sandbox);
  Progress progress("verify", static_cast<int64_t>(programs.size()), "programs");
  auto start = std::chrono::steady_clock::now();
  std::vector<sandbox::Result> results = run_programs(programs, options, [&](size_t) { progress.advance(); });
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  progress.finish();

  std::string output;
  for (size_t i = 0; i < lines.size(); ++i) {
    json row = lines[i].row;
    size_t begin = first_program[i];
    size_t end = i + 1 < lines.size() ? first_program[i + 1] : programs.size();
    json scores = json::array(), statuses = json::array(), seconds = json::array(), tails = json::array();
    for (size_t k = begin; k < end; ++k) {
      const sandbox::Result& r = results[k];
      std::string status = sandbox::status_text(r);
      bool passed = r.status == sandbox::Status::Passed;
      summary.passed += passed;
      ++summary.statuses[status];
      scores.push_back(passed);
      statuses.push_back(status);
      seconds.push_back(rounded(r.seconds));
      tails.push_back(r.status == sandbox::Status::SandboxError ? r.error : r.stderr_tail);
    }
    if (reference) {
      row["score"] = scores;
      row["status"] = statuses;
      row["seconds"] = seconds;
      row["stderr_tail"] = tails;
    } else {
      row["correct"] = scores[0];
      row["status"] = statuses[0];
      row["seconds"] = seconds[0];
      row["stderr_tail"] = tails[0];
    }
    row["sandbox"] = summary.isolation;
    output += row.dump(-1, ' ', false, json::error_handler_t::replace);
    output += '\n';
  }
  write_file_atomically(out, output);
  return summary;
}

}  // namespace rlvr::code
