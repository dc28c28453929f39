// Reading JSON-lines files that the project's own stages wrote (flat sample
// files): one parsed object a line, with errors naming the file and line.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rlvr {

// Calls `row` with every non-blank line parsed, and its 1-based number. A
// line that is not a JSON object is an InputError naming file and line.
void for_each_json_line(const std::filesystem::path& file,
                        const std::function<void(const nlohmann::json& row, long line)>& row);

// One line of a JSON-lines file: its 1-based number and the object on it.
struct JsonLine {
  long number;
  nlohmann::json row;
};

// Every non-blank line of `file`, parsed as for_each_json_line does, for
// callers that check every row before they start any work.
std::vector<JsonLine> read_json_lines(const std::filesystem::path& file);

// A row's id in `field` (problem_id, idx, task_id) as text: an integer id
// becomes its digits. An InputError naming file, line and field when it is
// missing or neither an integer nor a string.
std::string id_of(const nlohmann::json& row, const char* field, const std::filesystem::path& file, long line);

// id_of(row, "problem_id", ...): a sample row's problem.
std::string problem_id_of(const nlohmann::json& row, const std::filesystem::path& file, long line);

}  // namespace rlvr
