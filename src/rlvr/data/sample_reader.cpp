#include "rlvr/data/sample_reader.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>
#include <simdjson.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

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

// Field names compared with a constant-length memcmp, which compilers inline.
template <size_t N>
bool key_is(std::string_view key, const char (&name)[N]) {
  return key.size() == N - 1 && std::memcmp(key.data(), name, N - 1) == 0;
}

// One tape lookup instead of a chain of is_X() calls (each a full get).
bool is(element value, element_type type) { return value.type() == type; }
bool is_integer(element value) { return is(value, element_type::INT64) || is(value, element_type::UINT64); }
bool is_number(element value) { return is_integer(value) || is(value, element_type::DOUBLE); }
bool is_string(element value) { return is(value, element_type::STRING); }
bool is_null(element value) { return is(value, element_type::NULL_VALUE); }
bool is_array(element value) { return is(value, element_type::ARRAY); }

[[noreturn]] void wrong_type(std::string field, element value, std::string_view expected) {
  throw LineError{std::move(field), fmt::format("expected {}, got {}", expected, type_name(value))};
}

// problem_id / idx: a string, or an integer written as its decimal text.
std::string_view id_text(element value, const char* field, char (&buffer)[24]) {
  if (is_string(value)) {
    std::string_view id = value.get_string().value_unsafe();
    if (id.empty()) throw LineError{field, "is empty (expected a problem id)"};
    return id;
  }
  if (is_integer(value)) {
    auto [end, ec] = is(value, element_type::INT64) ? std::to_chars(buffer, buffer + sizeof buffer, value.get_int64().value_unsafe())
                                      : std::to_chars(buffer, buffer + sizeof buffer, value.get_uint64().value_unsafe());
    return {buffer, static_cast<size_t>(end - buffer)};
  }
  wrong_type(field, value, "a string or an integer");
}

// Verdicts: true/false, or the integers 0 and 1.
bool verdict(element value, const char* field) {
  if (is(value, element_type::BOOL)) return value.get_bool().value_unsafe();
  if (is(value, element_type::INT64)) {
    int64_t v = value.get_int64().value_unsafe();
    if (v == 0 || v == 1) return v == 1;
  }
  wrong_type(field, value, "a boolean (true/false, or 0/1)");
}

int64_t count_field(element value, const char* field) {
  if (!is(value, element_type::INT64)) wrong_type(field, value, "an integer");
  return value.get_int64().value_unsafe();
}

// Extracted answers: a string, or a number kept as its JSON text; null and ""
// mean "no answer extracted" (nothing is returned). `scratch` holds a
// number's text.
std::optional<std::string_view> answer_text(element value, const char* field, std::string& scratch) {
  if (is_null(value)) return std::nullopt;
  if (is_string(value)) {
    std::string_view s = value.get_string().value_unsafe();
    if (s.empty()) return std::nullopt;
    return s;
  }
  if (is_number(value)) {
    scratch = simdjson::minify(value);
    return scratch;
  }
  wrong_type(field, value, "a string, a number or null");
}

// Finds the record of a problem, remembering the last one: samples of one
// problem usually come in a run of lines. Also tallies answers of the current
// problem through a small list keyed by length and first eight bytes, found
// through a direct-mapped slot table: no string hashing and (for answers up
// to eight bytes) no memcmp.
class ProblemLookup {
 public:
  explicit ProblemLookup(ModelSamples& out) : out_(out) {}

  ProblemSamples& operator()(std::string_view id) {
    if (last_ && id == last_id_) return *last_;
    auto it = out_.problems.find(std::string(id));
    if (it == out_.problems.end()) it = out_.problems.emplace(std::string(id), ProblemSamples{}).first;
    last_id_ = it->first;
    last_ = &it->second;
    tally_ = &tallies_[last_];
    return *last_;
  }

  // Counts one sample's answer for the problem last looked up.
  void add_answer(std::optional<std::string_view> answer, bool correct) {
    if (!answer) {
      ++last_->abstained;
      return;
    }
    AnswerCount* count = find_recent(*answer);
    if (!count) {
      auto it = last_->answers.find(*answer);
      if (it == last_->answers.end()) it = last_->answers.emplace(std::string(*answer), AnswerCount{}).first;
      count = &it->second;
      if (tally_->entries.size() < kRecent) {
        tally_->entries.push_back({prefix(*answer), it->first.size(), &it->first, count});
        tally_->slot[slot_of(tally_->entries.back().prefix, it->first.size())] =
            static_cast<uint8_t>(tally_->entries.size());
      }
    }
    ++count->samples;
    count->correct += correct ? 1 : 0;
  }

 private:
  static constexpr size_t kRecent = 64;
  struct Recent {
    uint64_t prefix;
    size_t size;
    const std::string* answer;
    AnswerCount* count;  // nodes of an unordered_map stay put on rehash
  };
  // A problem's answers, with a 64-slot direct-mapped index into them.
  struct Tally {
    std::vector<Recent> entries;
    std::array<uint8_t, 64> slot{};  // entry index + 1, 0 = empty
  };

  // Eight bytes that, together with the length, identify a string of up to
  // eight bytes (and start a longer one), read with fixed-size loads.
  static uint64_t prefix(std::string_view s) {
    const char* d = s.data();
    const size_t n = s.size();
    if (n >= 8) {
      uint64_t p;
      std::memcpy(&p, d, 8);
      return p;
    }
    if (n >= 4) {  // two overlapping 4-byte loads cover all n bytes
      uint32_t a, b;
      std::memcpy(&a, d, 4);
      std::memcpy(&b, d + n - 4, 4);
      return a | (static_cast<uint64_t>(b) << 32);
    }
    if (n == 0) return 0;
    return static_cast<uint64_t>(static_cast<unsigned char>(d[0])) |
           static_cast<uint64_t>(static_cast<unsigned char>(d[n / 2])) << 8 |
           static_cast<uint64_t>(static_cast<unsigned char>(d[n - 1])) << 16;
  }
  static size_t slot_of(uint64_t prefix, size_t size) {
    return static_cast<size_t>(((prefix ^ size) * 0x9e3779b97f4a7c15ULL) >> 58);
  }
  static bool same(const Recent& r, uint64_t p, std::string_view answer) {
    return r.prefix == p && r.size == answer.size() &&
           (answer.size() <= 8 || std::memcmp(r.answer->data() + 8, answer.data() + 8, answer.size() - 8) == 0);
  }

  AnswerCount* find_recent(std::string_view answer) const {
    const uint64_t p = prefix(answer);
    const size_t s = slot_of(p, answer.size());
    if (uint8_t i = tally_->slot[s]; i && same(tally_->entries[i - 1], p, answer)) return tally_->entries[i - 1].count;
    for (size_t i = 0; i < tally_->entries.size(); ++i)
      if (same(tally_->entries[i], p, answer)) {
        tally_->slot[s] = static_cast<uint8_t>(i + 1);
        return tally_->entries[i].count;
      }
    return nullptr;
  }

  ModelSamples& out_;
  std::string_view last_id_;
  ProblemSamples* last_ = nullptr;
  Tally* tally_ = nullptr;
  std::unordered_map<const ProblemSamples*, Tally> tallies_;
};

// One JSON line of the flat sample format.
void parse_sample(simdjson::dom::object row, ProblemLookup& lookup) {
  char buffer[24];
  std::optional<std::string_view> id;
  std::optional<bool> correct, steps_valid;
  std::optional<std::string_view> answer;
  std::string scratch;
  bool has_answer_field = false;
  for (auto [key, value] : row) {
    if (key_is(key, "problem_id")) {
      id = id_text(value, "problem_id", buffer);
    } else if (key_is(key, "correct")) {
      correct = verdict(value, "correct");
    } else if (key_is(key, "answer")) {
      has_answer_field = true;
      answer = answer_text(value, "answer", scratch);
    } else if (key_is(key, "completion") || key_is(key, "finish_reason")) {
      if (!is_string(value) && !is_null(value)) wrong_type(std::string(key), value, "a string or null");
    } else if (key_is(key, "sample_id")) {
      if (!is_string(value) && !is(value, element_type::INT64) && !is(value, element_type::UINT64))
        wrong_type("sample_id", value, "a string or an integer");
    } else if (key_is(key, "tokens")) {
      if (!is(value, element_type::INT64) && !is(value, element_type::UINT64) && !is_array(value) && !is_null(value))
        wrong_type("tokens", value, "an integer (token count), an array of token ids or null");
    } else if (key_is(key, "logprob")) {
      if (!is_number(value) && !is_null(value)) wrong_type("logprob", value, "a number or null");
    } else if (key_is(key, "steps_valid")) {
      if (!is_null(value)) steps_valid = verdict(value, "steps_valid");
    }
  }
  if (!id) throw LineError{"problem_id", "missing (expected a string or an integer)"};
  if (!correct) throw LineError{"correct", "missing (expected a boolean)"};
  ProblemSamples& problem = lookup(*id);
  ++problem.n;
  problem.correct += *correct ? 1 : 0;
  if (has_answer_field) lookup.add_answer(answer, *correct);
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
    if (key_is(key, "idx")) {
      id = id_text(value, "idx", buffer);
    } else if (key_is(key, "score")) {
      if (!is_array(value)) wrong_type("score", value, "an array of booleans");
      score = value.get_array().value_unsafe();
    } else if (key_is(key, "pred")) {
      if (!is_array(value)) wrong_type("pred", value, "an array of extracted answers");
      pred = value.get_array().value_unsafe();
    } else if (key_is(key, "code")) {
      if (!is_array(value)) wrong_type("code", value, "an array of completions");
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
      if (!is_string(c)) wrong_type("code", c, "completions as strings");
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
    std::string scratch;
    for (element p : *pred) lookup.add_answer(answer_text(p, "pred", scratch), verdicts[i++]);
  }
}

// One JSON line of the counts format.
void parse_counts_row(simdjson::dom::object row, ProblemLookup& lookup) {
  char buffer[24];
  std::optional<std::string_view> id;
  std::optional<int64_t> n, correct;
  for (auto [key, value] : row) {
    if (key_is(key, "problem_id")) id = id_text(value, "problem_id", buffer);
    else if (key_is(key, "n")) n = count_field(value, "n");
    else if (key_is(key, "correct")) correct = count_field(value, "correct");
  }
  if (!id) throw LineError{"problem_id", "missing (expected a string or an integer)"};
  if (!n) throw LineError{"n", "missing (expected the number of samples)"};
  if (!correct) throw LineError{"correct", "missing (expected the number of correct samples)"};
  if (auto bad = check_counts(*n, *correct)) throw LineError{bad->field, bad->problem};
  ProblemSamples& problem = lookup(*id);
  problem.n += *n;
  problem.correct += *correct;
}

// Newlines in text, eight bytes at a time (std::count widens every byte to
// 64 bits and was a sixth of the reading time), or 32 with AVX2.
int64_t count_newlines_portable(std::string_view text) {
  constexpr uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
  int64_t count = 0;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, text.data() + i, 8);
    uint64_t x = word ^ (ones * '\n');                   // zero bytes where '\n' was
    uint64_t zero = ~(((x & ~high) + ~high) | x) & high;  // high bit set in each zero byte
    count += static_cast<int64_t>(((zero >> 7) * ones) >> 56);  // sum of the eight 0/1 bytes
  }
  for (; i < text.size(); ++i) count += text[i] == '\n';
  return count;
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2,popcnt"))) int64_t count_newlines_avx2(std::string_view text) {
  const __m256i newline = _mm256_set1_epi8('\n');
  int64_t count = 0;
  size_t i = 0;
  for (; i + 32 <= text.size(); i += 32) {
    __m256i block = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(text.data() + i));
    auto mask = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(block, newline)));
    count += _mm_popcnt_u32(mask);
  }
  return count + count_newlines_portable(text.substr(i));
}
#endif

int64_t count_newlines(std::string_view text) {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
  if (avx2) return count_newlines_avx2(text);
#endif
  return count_newlines_portable(text);
}

bool is_blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

int64_t line_number_at(std::string_view text, size_t offset) {
  return 1 + count_newlines(text.substr(0, offset));
}

struct ChunkResult {
  ModelSamples samples;
  int64_t records = 0;
  std::optional<size_t> error_offset;
  LineError error;
};

using RowParser = void (*)(simdjson::dom::object, ProblemLookup&);

// The fast way through a chunk of one-line records: simdjson's document
// stream indexes a whole batch at once. Returns false (leaving `out` to be
// reset) on anything unusual: an invalid or non-object document, a row the
// parser refuses, truncated bytes, or a count of documents that differs from
// the count of lines (blank lines, two objects on a line, one object over
// several lines); the careful line-by-line pass then finds and names it.
bool parse_chunk_stream(std::string_view text, size_t begin, size_t end, RowParser parse_row, ChunkResult& out) {
  constexpr size_t kBatch = 4u << 20;
  simdjson::dom::parser parser;
  simdjson::dom::document_stream stream;
  // A small file needs no 4 MiB batch (allocating and zeroing it dominates).
  const size_t batch = std::min(kBatch, std::max<size_t>(end - begin + simdjson::SIMDJSON_PADDING, 4096));
  if (parser.parse_many(text.data() + begin, end - begin, batch).get(stream)) return false;
  ProblemLookup lookup(out.samples);
  try {
    for (auto result : stream) {
      element doc;
      if (result.get(doc) || !doc.is_object()) return false;
      parse_row(doc.get_object().value_unsafe(), lookup);
      ++out.records;
    }
  } catch (const LineError&) {
    return false;
  }
  if (stream.truncated_bytes() != 0) return false;
  std::string_view chunk = text.substr(begin, end - begin);
  int64_t lines = count_newlines(chunk) + (chunk.empty() || chunk.back() == '\n' ? 0 : 1);
  return lines == out.records;
}

// The careful way: one line at a time, stopping at the first bad line.
void parse_chunk_lines(std::string_view text, size_t begin, size_t end, RowParser parse_row, ChunkResult& out) {
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
      element doc;
      if (auto error = parser.parse(line.data(), line.size(), false).get(doc))
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

void parse_chunk(std::string_view text, size_t begin, size_t end, RowParser parse_row, bool stream, ChunkResult& out) {
  if (stream && parse_chunk_stream(text, begin, end, parse_row, out)) return;
  out = ChunkResult{};
  parse_chunk_lines(text, begin, end, parse_row, out);
}

// Splits the file at line boundaries into one chunk per thread, parses the
// chunks in parallel and merges them in order. `text` must be followed by
// simdjson's padding (MappedFile provides it). Rows of the reference format
// hold whole problems and can be huge, so they always go line by line.
ModelSamples parse_json_lines(const fs::path& path, std::string_view text, RowParser parse_row, int threads) {
  const bool stream = parse_row != parse_reference_row;
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
    pool.emplace_back(parse_chunk, text, bounds[c], bounds[c + 1], parse_row, stream, std::ref(results[c]));
  parse_chunk(text, bounds[0], bounds[1], parse_row, stream, results[0]);
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
      if (auto error = parser.parse(line.data(), line.size()).get(doc))
        throw InputError(path.string(), line_no, "", fmt::format("not valid JSON ({})", simdjson::error_message(error)));
      if (!doc.is_object())
        throw InputError(path.string(), line_no, "", fmt::format("expected a JSON object, got {}", type_name(doc)));
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
