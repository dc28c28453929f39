#include "rlvr/util/error.h"

#include <fmt/format.h>

namespace rlvr {

namespace {
std::string describe(const std::string& file, long line, const std::string& field,
                     const std::string& problem) {
  std::string where = file;
  if (line > 0) where += fmt::format(":{}", line);
  if (!field.empty()) where += fmt::format(": field '{}'", field);
  return fmt::format("{}: {}", where, problem);
}
}  // namespace

InputError::InputError(std::string file, long line, std::string field, const std::string& problem)
    : Error(describe(file, line, field, problem)),
      file_(std::move(file)),
      line_(line),
      field_(std::move(field)) {}

}  // namespace rlvr
