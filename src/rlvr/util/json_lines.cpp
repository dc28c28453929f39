#include "rlvr/util/json_lines.h"

#include <sstream>

#include "rlvr/util/error.h"
#include "rlvr/util/files.h"

namespace rlvr {

void for_each_json_line(const std::filesystem::path& file,
                        const std::function<void(const nlohmann::json&, long)>& row) {
  std::istringstream in(read_file(file));
  std::string line;
  long number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json parsed;
    try {
      parsed = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      throw InputError(file.string(), number, "", std::string("not valid JSON: ") + e.what());
    }
    if (!parsed.is_object()) throw InputError(file.string(), number, "", "expected a JSON object");
    row(parsed, number);
  }
}

std::vector<JsonLine> read_json_lines(const std::filesystem::path& file) {
  std::vector<JsonLine> lines;
  for_each_json_line(file, [&](const nlohmann::json& row, long number) { lines.push_back({number, row}); });
  return lines;
}

std::string id_of(const nlohmann::json& row, const char* field, const std::filesystem::path& file, long line) {
  auto id = row.find(field);
  if (id == row.end() || id->is_null()) throw InputError(file.string(), line, field, "missing");
  if (id->is_number_integer()) return std::to_string(id->get<long long>());
  if (id->is_string()) return id->get<std::string>();
  throw InputError(file.string(), line, field, "expected an integer or a string id");
}

std::string problem_id_of(const nlohmann::json& row, const std::filesystem::path& file, long line) {
  return id_of(row, "problem_id", file, line);
}

}  // namespace rlvr
