#include "rlvr/data/sample_reader.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <simdjson.h>

#include "rlvr/data/csv_counts.h"
#include "rlvr/data/mapped_file.h"
#include "rlvr/util/error.h"

namespace fs = std::filesystem;
using simdjson::dom::element;
using simdjson::dom::element_type;

namespace rlvr::data {

namespace {

// A problem with one line; turned into an InputError once the line number is
// known (lines are parsed in parallel chunks).
struct LineError {
  std::string field, problem;
};

std::string_view type_name(element value) {
  switch (value.type()) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::INT64:
    case element_type::UINT64: return "an integer";
    case element_type::DOUBLE: return "a number";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "a value";
}

[[noreturn]] void wrong_type(std::string field, element value, std::string_view expected) {
  throw LineError{std::move(field), fmt::format("expected {}, got {}", expected, type_name(value))};
}

// problem_id / idx: a string, or an integer written as its decimal text.
std::string_view id_text(element value, const char* field, char (&buffer)[24]) {
  if (value.is_string()) return value.get_string().value_unsafe();
  if (value.is_int64() || value.is_uint64()) {
    auto [end, ec] = value.is_int64() ? std::to_chars(buffer, buffer + sizeof buffer, value.get_int64().value_unsafe())
                                      : std::to_chars(buffer, buffer + sizeof buffer, value.get_uint64().value_unsafe());
    return {buffer, static_cast<size_t>(end - buffer)};
  }
  wrong_type(field, value, "a string or an integer");
}

// Verdicts: true/false, or the integers 0 and 1.
bool verdict(element value, const std::string& field) {
  if (value.is_bool()) return value.get_bool().value_unsafe();
  if (value.is_int64()) {
    int64_t v = value.get_int64().value_unsafe();
    if (v == 0 || v == 1) return v == 1;
  }
  wrong_type(field, value, "a boolean (true/false, or 0/1)");
}

int64_t count_field(element value, const char* field) {
  if (!value.is_int64()) wrong_type(field, value, "an integer");
  return value.get_int64().value_unsafe();
}

// Extracted answers: a string, or a number kept as its JSON text; null and ""
// mean "no answer extracted".
std::optional<std::string> answer_text(element value, const std::string& field) {
  if (value.is_null()) return std::nullopt;
  if (value.is_string()) {
    std::string_view s = value.get_string().value_unsafe();
    if (s.empty()) return std::nullopt;
    return std::string(s);
  }
  if (value.is_number()) return simdjson::minify(value);
  wrong_type(field, value, "a string, a number or null");
}

void add_answer(ProblemSamples& problem, const std::optional<std::string>& answer, bool correct) {
  if (!answer) {
    ++problem.abstained;
    return;
  }
  auto it = problem.answers.find(*answer);
  if (it == problem.answers.end()) it = problem.answers.emplace(*answer, AnswerCount{}).first;
  ++it->second.samples;
  it->second.correct += correct ? 1 : 0;
}

// Finds the record of a problem, remembering the last one: samples of one
// problem usually come in a run of lines.
class ProblemLookup {
 public:
  explicit ProblemLookup(ModelSamples& out) : out_(out) {}
  ProblemSamples& operator()(std::string_view id) {
    if (last_ && id == last_id_) return *last_;
    auto it = out_.problems.find(std::string(id));
    if (it == out_.problems.end()) it = out_.problems.emplace(std::string(id), ProblemSamples{}).first;
    last_id_ = it->first;
    last_ = &it->second;
    return *last_;
  }

 private:
  ModelSamples& out_;
  std::string_view last_id_;
  ProblemSamples* last_ = nullptr;
};

// One JSON line of the flat sample format.
void parse_sample(simdjson::dom::object row, ProblemLookup& lookup) {
  char buffer[24];
  std::optional<std::string_view> id;
  std::optional<bool> correct, steps_valid;
  std::optional<std::string> answer;
  bool has_answer_field = false;
  for (auto [key, value] : row) {
    if (key == "problem_id") {
      id = id_text(value, "problem_id", buffer);
    } else if (key == "correct") {
      correct = verdict(value, "correct");
    } else if (key == "answer") {
      has_answer_field = true;
      answer = answer_text(value, "answer");
    } else if (key == "completion" || key == "finish_reason") {
      if (!value.is_string() && !value.is_null()) wrong_type(std::string(key), value, "a string or null");
    } else if (key == "sample_id") {
      if (!value.is_string() && !value.is_int64() && !value.is_uint64())
        wrong_type("sample_id", value, "a string or an integer");
    } else if (key == "tokens") {
      if (!value.is_int64() && !value.is_uint64() && !value.is_array() && !value.is_null())
        wrong_type("tokens", value, "an integer (token count), an array of token ids or null");
    } else if (key == "logprob") {
      if (!value.is_number() && !value.is_null()) wrong_type("logprob", value, "a number or null");
    } else if (key == "steps_valid") {
      if (!value.is_null()) steps_valid = verdict(value, "steps_valid");
    }
  }
  if (!id) throw LineError{"problem_id", "missing (expected a string or an integer)"};
  if (!correct) throw LineError{"correct", "missing (expected a boolean)"};
  ProblemSamples& problem = lookup(*id);
  ++problem.n;
  problem.correct += *correct ? 1 : 0;
  if (has_answer_field) add_answer(problem, answer, *correct);
  if (steps_valid) {
    ++problem.steps_judged;
    problem.steps_valid += *steps_valid ? 1 : 0;
    problem.correct_steps_valid += (*steps_valid && *correct) ? 1 : 0;
  }
}

// One JSON line of the reference evaluation format: a whole problem.
void parse_reference_row(simdjson::dom::object row, ProblemLookup& lookup) {
  char buffer[24];
  std::optional<std::string_view> id;
  std::optional<simdjson::dom::array> score, pred, code;
  for (auto [key, value] : row) {
    if (key == "idx") {
      id = id_text(value, "idx", buffer);
    } else if (key == "score") {
      if (!value.is_array()) wrong_type("score", value, "an array of booleans");
      score = value.get_array().value_unsafe();
    } else if (key == "pred") {
      if (!value.is_array()) wrong_type("pred", value, "an array of extracted answers");
      pred = value.get_array().value_unsafe();
    } else if (key == "code") {
      if (!value.is_array()) wrong_type("code", value, "an array of completions");
      code = value.get_array().value_unsafe();
    }
  }
  if (!id) throw LineError{"idx", "missing (expected the problem's index)"};
  if (!score) throw LineError{"score", "missing (expected an array of booleans, one per completion)"};
  size_t n = score->size();
  if (n == 0) throw LineError{"score", "empty (expected one verdict per completion)"};
  if (pred && pred->size() != n)
    throw LineError{"pred", fmt::format("has {} answers but score has {} verdicts", pred->size(), n)};
  if (code && code->size() != n)
    throw LineError{"code", fmt::format("has {} completions but score has {} verdicts", code->size(), n)};
  if (code)
    for (element c : *code)
      if (!c.is_string()) wrong_type("code", c, "completions as strings");
  ProblemSamples& problem = lookup(*id);
  std::vector<bool> verdicts;
  verdicts.reserve(n);
  for (element s : *score) verdicts.push_back(verdict(s, "score"));
  for (bool v : verdicts) {
    ++problem.n;
    problem.correct += v ? 1 : 0;
  }
  if (pred) {
    size_t i = 0;
    for (element p : *pred) add_answer(problem, answer_text(p, "pred"), verdicts[i++]);
  }
}

// One JSON line of the counts format.
void parse_counts_row(simdjson::dom::object row, ProblemLookup& lookup) {
  char buffer[24];
  std::optional<std::string_view> id;
  std::optional<int64_t> n, correct;
  for (auto [key, value] : row) {
    if (key == "problem_id") id = id_text(value, "problem_id", buffer);
    else if (key == "n") n = count_field(value, "n");
    else if (key == "correct") correct = count_field(value, "correct");
  }
  if (!id) throw LineError{"problem_id", "missing (expected a string or an integer)"};
  if (!n) throw LineError{"n", "missing (expected the number of samples)"};
  if (!correct) throw LineError{"correct", "missing (expected the number of correct samples)"};
  if (auto bad = check_counts(*n, *correct)) throw LineError{bad->field, bad->problem};
  ProblemSamples& problem = lookup(*id);
  problem.n += *n;
  problem.correct += *correct;
}

bool is_blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

int64_t line_number_at(std::string_view text, size_t offset) {
  return 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
}

struct ChunkResult {
  ModelSamples samples;
  int64_t records = 0;
  std::optional<size_t> error_offset;
  LineError error;
};

using RowParser = void (*)(simdjson::dom::object, ProblemLookup&);

void parse_chunk(std::string_view text, size_t begin, size_t end, RowParser parse_row, ChunkResult& out) {
  simdjson::dom::parser parser;
  ProblemLookup lookup(out.samples);
  size_t pos = begin;
  while (pos < end) {
    size_t newline = text.find('\n', pos);
    size_t line_end = newline == std::string_view::npos ? text.size() : newline;
    std::string_view line = text.substr(pos, line_end - pos);
    size_t line_start = pos;
    pos = line_end + 1;
    if (is_blank(line)) continue;
    try {
      // Parse in place when the mapping has simdjson's padding after the line.
      bool copy = line_end + simdjson::SIMDJSON_PADDING > text.size();
      element doc;
      if (auto error = parser.parse(line.data(), line.size(), copy).get(doc))
        throw LineError{"", fmt::format("not valid JSON ({}){}", simdjson::error_message(error),
                                        newline == std::string_view::npos ? "; the line looks torn" : "")};
      if (!doc.is_object()) throw LineError{"", fmt::format("expected a JSON object, got {}", type_name(doc))};
      parse_row(doc.get_object().value_unsafe(), lookup);
      ++out.records;
    } catch (const LineError& e) {
      out.error_offset = line_start;
      out.error = e;
      return;
    }
  }
}

// Splits the file at line boundaries into one chunk per thread, parses the
// chunks in parallel and merges them in order.
ModelSamples parse_json_lines(const fs::path& path, std::string_view text, RowParser parse_row, int threads) {
  int chunks = std::max(1, threads);
  if (text.size() < (1u << 20)) chunks = 1;
  std::vector<size_t> bounds{0};
  for (int c = 1; c < chunks; ++c) {
    size_t at = text.size() * static_cast<size_t>(c) / static_cast<size_t>(chunks);
    at = std::max(at, bounds.back());
    size_t newline = text.find('\n', at);
    bounds.push_back(newline == std::string_view::npos ? text.size() : newline + 1);
  }
  bounds.push_back(text.size());
  std::vector<ChunkResult> results(static_cast<size_t>(chunks));
  std::vector<std::thread> pool;
  for (int c = 1; c < chunks; ++c)
    pool.emplace_back(parse_chunk, text, bounds[c], bounds[c + 1], parse_row, std::ref(results[c]));
  parse_chunk(text, bounds[0], bounds[1], parse_row, results[0]);
  for (auto& t : pool) t.join();

  for (auto& r : results) {
    if (r.error_offset)
      throw InputError(path.string(), line_number_at(text, *r.error_offset), r.error.field, r.error.problem);
  }
  ModelSamples merged = std::move(results[0].samples);
  int64_t records = results[0].records;
  for (size_t c = 1; c < results.size(); ++c) {
    merged.add(results[c].samples);
    records += results[c].records;
  }
  if (records == 0) throw InputError(path.string(), 0, "", "file is empty (no records)");
  return merged;
}

}  // namespace

InputFormat parse_input_format(std::string_view name) {
  if (name == "auto") return InputFormat::automatic;
  if (name == "reference") return InputFormat::reference;
  if (name == "samples") return InputFormat::samples;
  if (name == "counts") return InputFormat::counts;
  throw Error(fmt::format("unknown format '{}': expected auto, reference, samples or counts", name));
}

std::string_view input_format_name(InputFormat format) {
  switch (format) {
    case InputFormat::automatic: return "auto";
    case InputFormat::reference: return "reference";
    case InputFormat::samples: return "samples";
    case InputFormat::counts: return "counts";
  }
  return "?";
}

InputFormat detect_input_format(const fs::path& path, std::string_view text) {
  if (path.extension() == ".csv") return InputFormat::counts;
  size_t pos = 0;
  int64_t line_no = 1;
  while (pos < text.size()) {
    size_t newline = text.find('\n', pos);
    size_t end = newline == std::string_view::npos ? text.size() : newline;
    std::string_view line = text.substr(pos, end - pos);
    if (!is_blank(line)) {
      size_t first = line.find_first_not_of(" \t");
      if (line[first] != '{') {
        if (line.find("problem_id") != std::string_view::npos) return InputFormat::counts;  // CSV header
        throw InputError(path.string(), line_no, "",
                         "cannot tell the format: expected JSON lines or a CSV header with problem_id,n,correct");
      }
      simdjson::dom::parser parser;
      element doc;
      if (auto error = parser.parse(line.data(), line.size()).get(doc); error || !doc.is_object())
        throw InputError(path.string(), line_no, "", "not a valid JSON object");
      simdjson::dom::object row = doc.get_object().value_unsafe();
      auto has = [&](const char* key) { return row.at_key(key).error() == simdjson::SUCCESS; };
      if (has("score") || has("idx")) return InputFormat::reference;
      if (has("n")) return InputFormat::counts;
      if (has("problem_id") || has("correct")) return InputFormat::samples;
      throw InputError(path.string(), line_no, "",
                       "cannot tell the format: expected reference rows (idx, score), samples "
                       "(problem_id, correct) or counts (problem_id, n, correct)");
    }
    ++line_no;
    pos = end + 1;
  }
  throw InputError(path.string(), 0, "", "file is empty (no records)");
}

ModelSamples read_sample_file(const fs::path& path, const ReadOptions& options) {
  MappedFile file(path);
  std::string_view text = file.text();
  InputFormat format = options.format == InputFormat::automatic ? detect_input_format(path, text) : options.format;
  int threads = options.threads > 0 ? options.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ModelSamples samples;
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) throw InputError(path.string(), 0, "", "file is empty (no records)");
  switch (format) {
    case InputFormat::reference: samples = parse_json_lines(path, text, parse_reference_row, threads); break;
    case InputFormat::samples: samples = parse_json_lines(path, text, parse_sample, threads); break;
    case InputFormat::counts:
      samples = text[first] == '{' ? parse_json_lines(path, text, parse_counts_row, threads)
                                   : read_counts_csv(path, text);
      break;
    case InputFormat::automatic: break;
  }
  samples.files = {path};
  return samples;
}

ModelSamples read_model_files(const std::vector<fs::path>& paths, const ReadOptions& options) {
  ModelSamples merged;
  std::set<fs::path> seen;
  for (const auto& path : paths) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(path, ec);
    if (!seen.insert(ec ? path : canonical).second)
      throw InputError(path.string(), 0, "", "named twice for one model; its samples would count double");
    merged.add(read_sample_file(path, options));
  }
  return merged;
}

}  // namespace rlvr::data
