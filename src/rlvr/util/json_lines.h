// Reading JSON-lines files that the project's own stages wrote (flat sample
// files): one parsed object a line, with errors naming the file and line.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace rlvr {

// Calls `row` with every non-empty line parsed, and its 1-based number. A
// line that is not a JSON object is an InputError naming file and line.
void for_each_json_line(const std::filesystem::path& file,
                        const std::function<void(const nlohmann::json& row, long line)>& row);

// A sample row's problem_id as text (an integer id becomes its digits);
// an InputError naming file, line and field when it is missing.
std::string problem_id_of(const nlohmann::json& row, const std::filesystem::path& file, long line);

}  // namespace rlvr
