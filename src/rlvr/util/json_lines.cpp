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
    if (line.empty()) continue;
    nlohmann::json parsed = nlohmann::json::parse(line, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object())
      throw InputError(file.string(), number, "", "expected one JSON object a line");
    row(parsed, number);
  }
}

std::string problem_id_of(const nlohmann::json& row, const std::filesystem::path& file, long line) {
  auto id = row.find("problem_id");
  if (id == row.end() || !(id->is_string() || id->is_number_integer()))
    throw InputError(file.string(), line, "problem_id", "expected a string or an integer");
  return id->is_string() ? id->get<std::string>() : id->dump();
}

}  // namespace rlvr
