#include "rlvr/data/csv_counts.h"

#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "rlvr/util/error.h"

namespace rlvr::data {

namespace {

// Splits one CSV line into fields; returns false on an unterminated quote.
bool split_csv(std::string_view line, std::vector<std::string>& fields) {
  fields.clear();
  std::string field;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else {
      field += c;
    }
  }
  fields.push_back(std::move(field));
  return !quoted;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<CountsProblem> check_counts(int64_t n, int64_t correct) {
  if (n <= 0) return CountsProblem{"n", fmt::format("n = {} (expected at least one sample)", n)};
  if (correct < 0) return CountsProblem{"correct", fmt::format("correct = {} is negative", correct)};
  if (correct > n) return CountsProblem{"correct", fmt::format("correct = {} is larger than n = {}", correct, n)};
  return std::nullopt;
}

ModelSamples read_counts_csv(const std::filesystem::path& path, std::string_view text) {
  ModelSamples out;
  std::vector<std::string> fields;
  std::vector<std::string> header;
  int id_col = -1, n_col = -1, correct_col = -1;
  int64_t line_no = 0, rows = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t newline = text.find('\n', pos);
    size_t end = newline == std::string_view::npos ? text.size() : newline;
    std::string_view line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    if (!split_csv(line, fields)) throw InputError(path.string(), line_no, "", "unterminated quoted field");
    if (header.empty()) {
      header = fields;
      for (int c = 0; c < static_cast<int>(header.size()); ++c) {
        std::string_view name = trim(header[c]);
        if (name == "problem_id") id_col = c;
        if (name == "n") n_col = c;
        if (name == "correct") correct_col = c;
      }
      for (auto [col, name] : {std::pair{id_col, "problem_id"}, {n_col, "n"}, {correct_col, "correct"}})
        if (col < 0)
          throw InputError(path.string(), line_no, name, "missing from the header (expected problem_id,n,correct)");
      continue;
    }
    if (fields.size() != header.size())
      throw InputError(path.string(), line_no, "",
                       fmt::format("has {} fields but the header has {}", fields.size(), header.size()));
    auto integer = [&](int col, const char* name) {
      std::string_view s = trim(fields[col]);
      int64_t v = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec != std::errc() || p != s.data() + s.size() || s.empty())
        throw InputError(path.string(), line_no, name, fmt::format("expected an integer, got \"{}\"", s));
      return v;
    };
    std::string id(trim(fields[id_col]));
    if (id.empty()) throw InputError(path.string(), line_no, "problem_id", "empty");
    int64_t n = integer(n_col, "n"), correct = integer(correct_col, "correct");
    if (auto bad = check_counts(n, correct)) throw InputError(path.string(), line_no, bad->field, bad->problem);
    ProblemSamples& problem = out.problems[id];
    problem.n += n;
    problem.correct += correct;
    ++rows;
  }
  if (rows == 0) throw InputError(path.string(), 0, "", "file is empty (no rows after the header)");
  return out;
}

}  // namespace rlvr::data
