// Errors a user can act on. Bad input is reported as an InputError that names
// the file, the line (1-based, 0 when it does not apply) and the field.
#pragma once

#include <stdexcept>
#include <string>

namespace rlvr {

// Base of every error the library throws on purpose; what() is the whole
// message, ready to print after "error: ".
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class InputError : public Error {
 public:
  InputError(std::string file, long line, std::string field, const std::string& problem);

  const std::string& file() const { return file_; }
  long line() const { return line_; }
  const std::string& field() const { return field_; }

 private:
  std::string file_;
  long line_;
  std::string field_;
};

}  // namespace rlvr
